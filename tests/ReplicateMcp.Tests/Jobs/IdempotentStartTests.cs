using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Jobs.Service;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>CONTRACT §2: a start repeated with the same idempotency_key returns the kept job and creates nothing, also after a restart.</summary>
public sealed class IdempotentStartTests : IDisposable
{
    private readonly TempDirectory _state = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _state.Dispose();

    private ExecCoreHarness Harness() =>
        new(configure: s => s.Configure<JobStoreOptions>(o => { o.StateDirectory = _state.Path; o.WriteCoalescing = TimeSpan.Zero; }));

    private static JobSpec Keyed(string? key, JobKind kind = JobKind.Batch) =>
        (kind == JobKind.Batch
            ? ExecCoreHarness.Batch(2, ExecCoreHarness.Item("acme/flux"))
            : ExecCoreHarness.Pipeline(2, ExecCoreHarness.Step("one", "acme/flux", """{"prompt": "a fox"}""")))
        with { IdempotencyKey = key };

    [Fact]
    public async Task StartAsync_SameKeyTwice_SameJobAndOneCreate()
    {
        await using var harness = Harness();
        var jobs = harness.Services.GetRequiredService<JobService>();

        var first = await jobs.StartAsync(Keyed("k-1"), CT);
        var again = await jobs.StartAsync(Keyed("k-1"), CT);
        await harness.FinishedAsync(first.Job.Id);
        var afterEnd = await jobs.StartAsync(Keyed("k-1"), CT);

        Assert.Equal(first.Job.Id, again.Job.Id);
        Assert.Equal(first.Message, again.Message);
        Assert.Equal(first.Job.Id, afterEnd.Job.Id);
        Assert.Single(harness.Api.Creates);
    }

    [Fact]
    public async Task StartAsync_SameKeyRacing_OneJob()
    {
        await using var harness = Harness();
        var jobs = harness.Services.GetRequiredService<JobService>();

        var both = await Task.WhenAll(jobs.StartAsync(Keyed("race"), CT), jobs.StartAsync(Keyed("race"), CT));

        Assert.Equal(both[0].Job.Id, both[1].Job.Id);
        await harness.FinishedAsync(both[0].Job.Id);
        Assert.Single(harness.Api.Creates);
    }

    [Fact]
    public async Task StartAsync_OtherKeyNoKeyOrOtherKind_NewJobs()
    {
        await using var harness = Harness();
        var jobs = harness.Services.GetRequiredService<JobService>();

        var ids = new[]
        {
            (await jobs.StartAsync(Keyed("k-1"), CT)).Job.Id,
            (await jobs.StartAsync(Keyed("k-2"), CT)).Job.Id,
            (await jobs.StartAsync(Keyed(null), CT)).Job.Id,
            (await jobs.StartAsync(Keyed(null), CT)).Job.Id,
            (await jobs.StartAsync(Keyed("k-1", JobKind.Pipeline), CT)).Job.Id,
        };

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var id in ids) await harness.FinishedAsync(id);
    }

    [Fact]
    public async Task StartAsync_SameKeyAfterARestart_TheKeptJobFromTheStateDirectory()
    {
        string id;
        await using (var before = Harness())
        {
            var started = await before.Services.GetRequiredService<JobService>().StartAsync(Keyed("across"), CT);
            id = started.Job.Id;
            await before.FinishedAsync(id);
            await Recovery(before).StopAsync(CT);
        }

        await using var after = Harness();
        await Recovery(after).StartAsync(CT);
        var again = await after.Services.GetRequiredService<JobService>().StartAsync(Keyed("across"), CT);

        Assert.Equal(id, again.Job.Id);
        Assert.Equal("across", again.Job.IdempotencyKey);
        Assert.Empty(after.Api.Creates);
    }

    [Fact]
    public void LoadAll_FormatOneFile_ReadWithItsOldOwnerAndNoBackend()
    {
        var id = JobTestData.NewId();
        var jobs = Directory.CreateDirectory(Path.Combine(_state.Path, "jobs")).FullName;
        var old = new JsonObject
        {
            ["version"] = 1, ["id"] = id, ["kind"] = "batch", ["created_at"] = "2025-06-01T12:00:00+00:00",
            ["owner"] = new JsonObject { ["process_id"] = 4242, ["process_started_at"] = "2025-06-01T11:00:00+00:00" },
            ["items"] = new JsonArray(new JsonObject { ["index"] = 0, ["model"] = "acme/flux", ["input"] = new JsonObject(), ["status"] = "queued" }),
        };
        File.WriteAllText(Path.Combine(jobs, id + ".json"), old.ToJsonString());

        var loaded = Assert.Single(new JsonFileJobPersistence(_state.Path, TimeSpan.Zero, new FakeTimeProvider(), NullLogger<JsonFileJobPersistence>.Instance).LoadAll());

        Assert.Equal((4242, (string?)null, (string?)null), (loaded.Owner!.ProcessId, loaded.OwnerId, loaded.Backend));
    }

    private static JobRecoveryService Recovery(ExecCoreHarness harness) =>
        harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single();
}
