using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>Recovery's search for creates that were sent but never answered (CONTRACT §5, §6).</summary>
public sealed class SentCreateFinderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ModelRef Gen = new("acme", "gen", null);
    private const string Fox = """{"prompt":"a fox"}""";

    private readonly ScriptedReplicateClient _client = new();
    private readonly SignalingTimeProvider _time = new();
    private readonly PredictionTracker _tracker;
    private readonly HeldCreateFinder _heldCreateFinder;
    private readonly SentCreateFinder _finder;

    public SentCreateFinderTests()
    {
        var clock = new ReplicateClock(_time);
        _heldCreateFinder = new HeldCreateFinder(clock);
        _tracker = new PredictionTracker(_client, clock, _heldCreateFinder, _time, NullLogger<PredictionTracker>.Instance);
        _finder = new SentCreateFinder(_client, _heldCreateFinder);
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private static SentCreate Sent(string item, double seconds, string input = Fox) =>
        SentCreate.For(Gen, JsonDocument.Parse(input).RootElement, T0.AddSeconds(seconds), item);

    private static Prediction Listed(string id, double seconds, string input = Fox) => new()
    {
        Id = id,
        Model = "acme/gen",
        Input = JsonDocument.Parse(input).RootElement.Clone(),
        Status = PredictionStatuses.Processing,
        CreatedAt = T0.AddSeconds(seconds),
    };

    private static IReadOnlySet<string> NoneTaken() => new HashSet<string>();

    private static Task Ignore(IReadOnlyList<(SentCreate, Prediction)> matches) => Task.CompletedTask;

    [Fact]
    public async Task FindAsync_FromTheEarliestSendLessTheMargin_ReadsEveryPageAndMatchesByModelInputAndTime()
    {
        // Newest first, two pages; the predictions of the sends are on the second one.
        _client.ListAnswer = call => call.Cursor is null
            ? new PredictionPage { Results = [Listed("other", 9, """{"prompt":"a cat"}""")], Next = "page-2" }
            : new PredictionPage { Results = [Listed("late", 5.5), Listed("early", 1.5), Listed("before-any-send", 0)] };
        IReadOnlyList<(SentCreate Sent, Prediction Prediction)>? recorded = null;

        var matches = await _finder.FindAsync([Sent("job/1", 5), Sent("job/0", 1)], NoneTaken,
            m => { recorded = m; return Task.CompletedTask; }, CT);

        var calls = _client.Lists.ToList();
        Assert.Equal([new ListCall(T0.AddSeconds(1) - ReplicateClock.ListMargin, null, null), new ListCall(T0.AddSeconds(1) - ReplicateClock.ListMargin, null, "page-2")], calls);
        var pairs = matches.ToDictionary(m => m.Sent.Item, m => m.Prediction.Id);
        Assert.Equal(new Dictionary<string, string> { ["job/0"] = "early", ["job/1"] = "late" }, pairs);
        Assert.Same(matches, recorded);
    }

    [Fact]
    public async Task FindAsync_NothingListedForASend_LeavesItUnmatchedSoItIsCreatedAgain()
    {
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("other-input", 2, """{"prompt":"a cat"}"""), Listed("older", 0)] };

        var matches = await _finder.FindAsync([Sent("job/0", 1)], NoneTaken, Ignore, CT);

        Assert.Empty(matches);
    }

    [Fact]
    public async Task FindAsync_IdsTakenByAnyJob_AreNeverMatchedAgain()
    {
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("b", 3), Listed("a", 2)] };

        var matches = await _finder.FindAsync([Sent("job/0", 1)], () => new HashSet<string> { "a" }, Ignore, CT);

        Assert.Equal("b", Assert.Single(matches).Prediction.Id);
    }

    [Fact]
    public async Task FindAsync_NoSends_AsksNothing()
    {
        var matches = await _finder.FindAsync([], NoneTaken, Ignore, CT);

        Assert.Empty(matches);
        Assert.Empty(_client.Lists);
    }

    [Fact]
    public async Task FindAsync_ListFails_RecordsNothingAndLetsTheCallerRetry()
    {
        _client.ListAnswer = _ => throw new ReplicateApiException(System.Net.HttpStatusCode.ServiceUnavailable, "unavailable");
        var recorded = false;

        await Assert.ThrowsAsync<ReplicateApiException>(() =>
            _finder.FindAsync([Sent("job/0", 1)], NoneTaken, _ => { recorded = true; return Task.CompletedTask; }, CT));

        Assert.False(recorded);
        // The turn was given back: the next search runs.
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("a", 2)] };
        Assert.Single(await _finder.FindAsync([Sent("job/0", 1)], NoneTaken, Ignore, CT));
    }

    /// <summary>Two jobs recovered at once with identical creates: the second search starts only once the first has recorded its match.</summary>
    [Fact]
    public async Task FindAsync_TwoJobsWithIdenticalSends_NeverTakeTheSamePrediction()
    {
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("only", 2)] };
        var owned = new HashSet<string>();
        var firstRecording = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = _finder.FindAsync([Sent("job-a/0", 1)], () => new HashSet<string>(owned), async m =>
        {
            firstRecording.SetResult();
            await firstMayFinish.Task;
            foreach (var (_, p) in m) owned.Add(p.Id);
        }, CT);
        await firstRecording.Task.WaitAsync(CT);
        var second = _finder.FindAsync([Sent("job-b/0", 1)], () => new HashSet<string>(owned), Ignore, CT);
        firstMayFinish.SetResult();

        Assert.Equal("only", Assert.Single(await first).Prediction.Id);
        Assert.Empty(await second);
    }

    [Fact]
    public async Task FindAsync_Matches_AreKnownToTheTrackerSoAHeldCreateNeverTakesThem()
    {
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("a", 2)] };
        await _finder.FindAsync([Sent("job/0", 1)], NoneTaken, Ignore, CT);

        // An identical create held open right now must not be given the re-attached prediction.
        // (No token: the find's own task, completed by the tick itself when it matches.)
        var sent = Sent("job/1", 1);
        var held = _heldCreateFinder.FindCreatedAsync(sent, CancellationToken.None);
        _heldCreateFinder.SearchNow(sent);
        await _tracker.TickAsync(CT);

        Assert.Equal(2, _client.Lists.Count); // the tick did list, and "a" was on it
        Assert.False(held.IsCompleted, "the held create was given a prediction that recovery re-attached");
    }

    public void Dispose()
    {
        _finder.Dispose();
        _tracker.Dispose();
    }
}
