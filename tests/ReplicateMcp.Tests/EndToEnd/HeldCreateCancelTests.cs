using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>CONTRACT §2: a cancel reaches Replicate within 3 s also while creates are held open by <c>Prefer: wait</c>.</summary>
public sealed class HeldCreateCancelTests : IDisposable
{
    private readonly TempDirectory _root = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancel_WhileCreatesHeld_EachPredictionCanceledWithin3sAndNoItemSucceeds()
    {
        // Predictions would run 20 s; the fake holds every create until its prediction ends.
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(20), holdCreates: true);
        using var host = TestHost.Build(TestHost.Settings(fake.ApiUrl, Path.Combine(_root.Path, "downloads")));
        await host.StartAsync(CT);
        var specs = Enumerable.Range(0, 3)
            .Select(i => new ItemSpec(null, "acme/gen", JsonDocument.Parse($$"""{"prompt": "fox {{i}}"}""").RootElement))
            .ToList();
        var started = await host.Services.GetRequiredService<JobService>().StartAsync(
            new JobSpec(JobKind.Batch, specs, new JobSettings(3, Download: false, TimeoutMs: 120_000, TtlHours: 1, Validate: false)), CT);
        var store = host.Services.GetRequiredService<IJobStore>();
        for (var i = 0; i < 3; i++) await fake.NextCreateAsync(CT).WaitAsync(TimeSpan.FromSeconds(30), CT);

        var cancelAt = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<JobService>().CancelAsync(started.Job, CT);
        await host.Services.GetRequiredService<JobRegistry>().WhenStoppedAsync(started.Job.Id).WaitAsync(TimeSpan.FromSeconds(60), CT);
        var job = store.Get(started.Job.Id)!;

        Assert.All(fake.Creates, c => Assert.True(fake.Cancels.TryGetValue(c.Id, out var at) && at - cancelAt <= TimeSpan.FromSeconds(3),
            $"prediction {c.Id}: cancel {(fake.Cancels.TryGetValue(c.Id, out var t) ? $"{(t - cancelAt).TotalSeconds:0.0} s after the cancel call" : "never sent")}"));
        Assert.All(job.Items, i => Assert.Equal(ItemStatus.Canceled, i.Status));
        await host.StopAsync(CT);
    }

    public void Dispose() => _root.Dispose();
}
