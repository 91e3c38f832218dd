using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Reliability;

public sealed class ResourceBoundsTests
{
    private static readonly JsonElement Prompt = JsonDocument.Parse("""{"prompt": "a fox"}""").RootElement;

    [Fact]
    public async Task StartAsync_HundredBatchesAtOnce_NeverExceedProcessWideCap()
    {
        CountingClient? counting = null;
        await using var core = new SimulatedCore(new() { ["Predictions:MaxConcurrency"] = "4" }, services =>
            services.AddSingleton<IReplicateClient>(sp => counting = new CountingClient(
                ActivatorUtilities.CreateInstance<ReplicateClient>(sp), () => sp.GetRequiredService<PredictionRunner>().InFlight)));
        var starter = core.Get<JobStarter>();
        var executor = core.Get<JobRegistry>();
        var ct = TestContext.Current.CancellationToken;

        var started = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => starter.StartAsync(new JobSpec(JobKind.Batch,
            [new ItemSpec(null, "black-forest-labs/flux-schnell", Prompt), new ItemSpec(null, "acme/sketch", Prompt)],
            new JobSettings(Concurrency: 10, Download: false, TimeoutMs: 60_000, TtlHours: 1, Validate: false)), ct)));
        await Task.WhenAll(started.Select(s => executor.WhenStoppedAsync(s.Job.Id))).WaitAsync(TimeSpan.FromMinutes(2), ct);

        var store = core.Get<IJobStore>();
        Assert.All(started, s => Assert.Equal(JobStatus.Succeeded, store.Get(s.Job.Id)!.Status));
        Assert.InRange(counting!.MaxInFlight, 1, 4);
        Assert.Equal(200, counting.Creates);
    }

    [Fact]
    public async Task Store_ManyFinishedJobs_KeepsAtMostTheCap()
    {
        await using var core = new SimulatedCore(new() { ["Jobs:MaxFinishedJobs"] = "5", ["Simulator:PredictionSeconds"] = "0" });
        var starter = core.Get<JobStarter>();
        var executor = core.Get<JobRegistry>();
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 12; i++)
        {
            var s = await starter.StartAsync(new JobSpec(JobKind.Batch, [new ItemSpec(null, "black-forest-labs/flux-schnell", Prompt)],
                new JobSettings(1, false, 60_000, 1, false)), ct);
            await executor.WhenStoppedAsync(s.Job.Id).WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        await core.Get<IJobStore>().SweepAsync(ct);
        Assert.Equal(5, core.Get<IJobStore>().List().Count);
    }

    /// <summary>Records the runner's in-flight count at every API call.</summary>
    private sealed class CountingClient(IReplicateClient inner, Func<int> inFlight) : IReplicateClient
    {
        private int _max, _creates;
        public int MaxInFlight => Volatile.Read(ref _max);
        public int Creates => Volatile.Read(ref _creates);

        private void Observe()
        {
            var now = inFlight();
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        }

        public Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _creates);
            Observe();
            return inner.CreatePredictionAsync(model, input, preferWaitSeconds, cancellationToken);
        }

        public Task<Prediction> GetPredictionAsync(string predictionId, CancellationToken cancellationToken) { Observe(); return inner.GetPredictionAsync(predictionId, cancellationToken); }
        public Task<PredictionPage> ListPredictionsAsync(DateTimeOffset createdAfter, DateTimeOffset? createdBefore, string? cursor, CancellationToken cancellationToken) => inner.ListPredictionsAsync(createdAfter, createdBefore, cursor, cancellationToken);
        public Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken) => inner.CancelPredictionAsync(predictionId, cancellationToken);
        public Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken) => inner.GetModelAsync(owner, name, cancellationToken);
        public Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken) => inner.GetModelVersionAsync(owner, name, versionId, cancellationToken);
        public Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken) => inner.SearchModelsAsync(query, limit, cancellationToken);
        public Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken) => inner.UploadFileAsync(fileName, contentType, content, cancellationToken);
    }
}
