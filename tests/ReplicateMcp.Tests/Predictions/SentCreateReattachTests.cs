using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.Jobs;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>
/// The scheduler's first step when it resumes a job (CONTRACT §6): items whose create was recorded as sent but never
/// answered are found again on Replicate and re-attached; identical items are matched by count; a create that left
/// no prediction is sent again, once.
/// </summary>
public sealed class SentCreateReattachTests : IAsyncDisposable
{
    private const string Fox = """{"prompt":"a fox"}""";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private readonly ScriptedReplicateClient _client = new();
    private readonly SignalingTimeProvider _time = new();
    private readonly ExecCoreHarness _harness;
    private readonly List<Prediction> _onReplicate = [];
    private readonly TickObserver _observer = new();

    public SentCreateReattachTests()
    {
        _harness = new ExecCoreHarness(time: _time, configure: s => s.AddSingleton<IReplicateClient>(_client).AddSingleton<IFollowingObserver>(_observer));
        _client.AddModel(new ModelInfo { Owner = "acme", Name = "gen", IsOfficial = true });
        // Like Replicate: newest first, from created_after on; polls find the prediction finished.
        _client.ListAnswer = call => new PredictionPage
        {
            Results = [.. _onReplicate.Where(p => p.CreatedAt >= call.CreatedAfter).OrderByDescending(p => p.CreatedAt)],
        };
        _client.GetAnswer = id => _onReplicate.Any(p => p.Id == id)
            ? ScriptedReplicateClient.Succeeded(id, $"[\"https://replicate.delivery/fake/{id}.png\"]")
            : throw new ReplicateApiException(System.Net.HttpStatusCode.NotFound, $"prediction {id} not found");
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private DateTimeOffset T0 => ExecCoreHarness.Start;

    /// <summary>A job a stopped server left: every item's create recorded as sent at <paramref name="sentAfterSeconds"/>, no id saved.</summary>
    private Job LeftWithSentCreates(int items, double sentAfterSeconds = 1, string input = Fox)
    {
        var id = JobTestData.NewId();
        return new Job
        {
            Id = id,
            Kind = JobKind.Batch,
            CreatedAt = T0,
            Settings = new JobSettings(items, Download: false, TimeoutMs: 300_000, TtlHours: 1, Validate: false),
            Items = [.. Enumerable.Range(0, items).Select(i => new JobItem
            {
                Index = i,
                Model = "acme/gen",
                Input = JobTestData.Json(input),
                Status = ItemStatus.Running,
                StartedAt = T0,
                Sent = SentCreate.For(new ModelRef("acme", "gen", null), JobTestData.Json(input), T0.AddSeconds(sentAfterSeconds), $"{id}/{i}"),
            })],
        };
    }

    private void OnReplicate(string id, double createdAfterSeconds, string input = Fox) => _onReplicate.Add(new Prediction
    {
        Id = id,
        Model = "acme/gen",
        Input = JobTestData.Json(input),
        Status = PredictionStatuses.Processing,
        CreatedAt = T0.AddSeconds(createdAfterSeconds),
    });

    /// <summary>
    /// Resumes <paramref name="job"/> and runs it to its end: the tracker ticks after each prediction to follow is added
    /// and after each timer (a tick only on timers could come before the follow it is for, and none after), and a
    /// retry's delay passes.
    /// </summary>
    private async Task<Job> ResumeToEndAsync(Job job)
    {
        var store = _harness.Services.GetRequiredService<InMemoryJobStore>();
        var tracker = _harness.Services.GetRequiredService<PredictionTracker>();
        var added = _observer.Added;
        store.Restore(job);
        _harness.Executor.Start(job);
        var stopped = _harness.Executor.WhenStoppedAsync(job.Id);
        Task<TimeSpan>? timer = null;
        while (true)
        {
            timer ??= _time.NextTimerAsync(CT).AsTask();
            var workAdded = added.Reader.WaitToReadAsync(CT).AsTask(); // consumes nothing when abandoned
            var first = await Task.WhenAny(stopped, timer, workAdded).WaitAsync(TimeSpan.FromSeconds(30), CT);
            if (first == stopped) break;
            while (added.Reader.TryRead(out _)) { }
            if (first == timer)
            {
                var due = await timer;
                timer = null;
                if (due == RetryDelay)
                {
                    _time.Advance(RetryDelay);
                    continue;
                }
            }
            await tracker.TickAsync(CT);
        }
        return _harness.Store.Get(job.Id)!;
    }

    [Fact]
    public async Task Resume_ThreeIdenticalItemsSent_EachReattachedToADistinctPredictionCreatedAfterItsSend()
    {
        var job = LeftWithSentCreates(3);
        OnReplicate("older", 0.5); // same model and input, but made before the sends
        OnReplicate("of-another-job", 1.5);
        OnReplicate("a", 2);
        OnReplicate("b", 3);
        OnReplicate("c", 4);
        _harness.Services.GetRequiredService<InMemoryJobStore>().Restore(LeftWithSentCreates(1) with
        {
            CompletedAt = T0,
            Items = [new JobItem { Index = 0, Model = "acme/gen", Input = JobTestData.Json(Fox), Status = ItemStatus.Succeeded, PredictionId = "of-another-job" }],
        });

        var ended = await ResumeToEndAsync(job);

        Assert.Empty(_client.Creates);
        Assert.Equal(["a", "b", "c"], ended.Items.Select(i => i.PredictionId!).Order(StringComparer.Ordinal));
        Assert.All(ended.Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
        Assert.Equal(JobStatus.Succeeded, ended.Status);
    }

    [Fact]
    public async Task Resume_SentCreatesThatLeftNoPrediction_EachCreatedAgainExactlyOnce()
    {
        var job = LeftWithSentCreates(2);
        OnReplicate("other-input", 2, """{"prompt":"a cat"}""");

        var ended = await ResumeToEndAsync(job);

        Assert.Equal(2, _client.Creates.Count);
        Assert.All(ended.Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
        Assert.Equal(2, ended.Items.Select(i => i.PredictionId).Distinct().Count());
        Assert.DoesNotContain("other-input", ended.Items.Select(i => i.PredictionId));
    }

    [Fact]
    public async Task Resume_TwoIdenticalItemsSentButOnePredictionListed_ReattachesOneAndCreatesTheOtherOnce()
    {
        var job = LeftWithSentCreates(2);
        OnReplicate("a", 2);

        var ended = await ResumeToEndAsync(job);

        var created = Assert.Single(_client.Creates);
        Assert.Equal("a fox", created.Input.GetProperty("prompt").GetString());
        Assert.Contains("a", ended.Items.Select(i => i.PredictionId));
        Assert.Equal(2, ended.Items.Select(i => i.PredictionId).Distinct().Count());
        Assert.All(ended.Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
    }

    [Fact]
    public async Task Resume_ListFailsAtFirst_CreatesNothingUntilReplicateAnswersThenReattaches()
    {
        var job = LeftWithSentCreates(1);
        OnReplicate("a", 2);
        var answer = _client.ListAnswer;
        var refusals = 0;
        _client.ListAnswer = call => ++refusals <= 2
            ? throw new ReplicateApiException(System.Net.HttpStatusCode.ServiceUnavailable, "unavailable")
            : answer(call);

        var ended = await ResumeToEndAsync(job);

        Assert.Empty(_client.Creates);
        Assert.Equal("a", ended.Items[0].PredictionId);
        Assert.Equal(ItemStatus.Succeeded, ended.Items[0].Status);
        Assert.True(refusals >= 3, $"list requests: {refusals}");
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();
}
