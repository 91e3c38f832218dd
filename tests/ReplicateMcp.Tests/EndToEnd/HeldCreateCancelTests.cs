using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>CONTRACT §2: a cancel reaches Replicate within 3 s also while creates are held open by <c>Prefer: wait</c>.</summary>
public sealed class HeldCreateCancelTests
{
    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancel_WhileCreatesHeld_EachPredictionCanceledWithin3sAndNoItemSucceeds()
    {
        // Predictions would run 20 s; the fake holds every create until its prediction ends.
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(20), holdCreates: true);
        await using var core = new ExecCoreHarness(time: TimeProvider.System, apiBaseUrl: fake.ApiUrl);
        await core.StartHostedServicesAsync();
        var specs = Enumerable.Range(0, 3)
            .Select(i => new ItemSpec(null, "acme/gen", JsonDocument.Parse($$"""{"prompt": "fox {{i}}"}""").RootElement))
            .ToList();
        var started = await core.Services.GetRequiredService<JobService>().StartAsync(
            new JobSpec(JobKind.Batch, specs, new JobSettings(3, Download: false, TimeoutMs: 120_000, TtlHours: 1, Validate: false)), CT);
        for (var i = 0; i < 3; i++) await fake.NextCreateAsync(CT).WaitAsync(TimeSpan.FromSeconds(30), CT);

        var cancelAt = DateTimeOffset.UtcNow;
        await core.Services.GetRequiredService<JobService>().CancelAsync(started.Job, CT);
        await core.Executor.WhenStoppedAsync(started.Job.Id).WaitAsync(TimeSpan.FromSeconds(60), CT);
        var job = core.Store.Get(started.Job.Id)!;

        Assert.All(fake.Creates, c => Assert.True(fake.Cancels.TryGetValue(c.Id, out var at) && at - cancelAt <= TimeSpan.FromSeconds(3),
            $"prediction {c.Id}: cancel {(fake.Cancels.TryGetValue(c.Id, out var t) ? $"{(t - cancelAt).TotalSeconds:0.0} s after the cancel call" : "never sent")}"));
        Assert.All(job.Items, i => Assert.Equal(ItemStatus.Canceled, i.Status));
    }
}
