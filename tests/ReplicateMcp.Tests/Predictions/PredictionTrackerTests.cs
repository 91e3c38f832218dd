using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Predictions;

public sealed class PredictionTrackerTests : IDisposable
{
    private const string Model = "black-forest-labs/flux-schnell";
    private static readonly ModelRef Flux = new("black-forest-labs", "flux-schnell", null);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedReplicateClient _client = new();
    private readonly ReplicateAccount _account;
    private readonly ReplicateClock _clock;
    private readonly HeldCreateFinder _finder;
    private readonly TickObserver _observer = new();
    private readonly PredictionTracker _sut;

    public PredictionTrackerTests()
    {
        _account = new ReplicateAccount(_client);
        _clock = new ReplicateClock(_time);
        _finder = new HeldCreateFinder(_clock, _observer);
        _sut = new PredictionTracker(_client, _clock, _finder, _time, NullLogger<PredictionTracker>.Instance, _observer);
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sut.Dispose();

    /// <summary>
    /// Follows without a cancellable token: the tracker then hands back its own task, done when the tick that saw the
    /// prediction finish is done, so a test can tell which tick it was.
    /// </summary>
    private Task<Prediction> Follow(Prediction p, bool createdAtKnown = true) => _sut.FollowAsync(p.Id, createdAtKnown ? p.CreatedAt : null, CancellationToken.None);

    private int Requests => _client.Lists.Count + _client.Gets.Count;

    /// <summary>Looks for a held create from the next tick on, as a cancel does.</summary>
    private Task<Prediction> Find(SentCreate sent, CancellationToken cancellationToken)
    {
        var find = _finder.FindCreatedAsync(sent, cancellationToken);
        _finder.SearchNow(sent);
        return find;
    }

    private static SentCreate Sent(string item, string inputJson, DateTimeOffset at) =>
        SentCreate.For(Flux, JsonDocument.Parse(inputJson).RootElement, at, item);

    [Fact]
    public async Task FollowAsync_PredictionSucceeds_SeenAtTheNextTickFromTheListAlone()
    {
        var p = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow());
        var follow = Follow(p);

        await _sut.TickAsync(CT);
        Assert.False(follow.IsCompleted);
        _account.Finish(p.Id);
        await _sut.TickAsync(CT);

        var done = await follow;
        Assert.Equal(PredictionStatuses.Succeeded, done.Status);
        Assert.Equal(2, _client.Lists.Count);
        Assert.Empty(_client.Gets);
        Assert.Equal(p.CreatedAt - ReplicateClock.ListMargin, _client.Lists.Last().CreatedAfter);
    }

    [Fact]
    public async Task FollowAsync_FailedWithoutLogsInTheList_GetsTheWholeBodyByIdNextTick()
    {
        var p = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow());
        var follow = Follow(p);
        _account.Finish(p.Id, PredictionStatuses.Failed);

        await _sut.TickAsync(CT);
        Assert.False(follow.IsCompleted);
        await _sut.TickAsync(CT);

        var done = await follow;
        Assert.Equal("step 1\nstep 2\n", done.Logs);
        Assert.Equal([p.Id], _client.Gets);
    }

    [Fact]
    public async Task FollowAsync_SeveralFailTogetherAndNothingElseFollowed_OneGetATickWithoutListsBetween()
    {
        var predictions = Enumerable.Range(0, 3).Select(i => _account.Create(Model, $$"""{"prompt":"{{i}}"}""", _time.GetUtcNow())).ToList();
        var follows = predictions.Select(p => Follow(p)).ToList();
        foreach (var p in predictions) _account.Finish(p.Id, PredictionStatuses.Failed);

        for (var tick = 0; tick < 4; tick++) await _sut.TickAsync(CT);

        Assert.All(follows, f => Assert.True(f.IsCompletedSuccessfully));
        Assert.All(await Task.WhenAll(follows), done => Assert.Equal("step 1\nstep 2\n", done.Logs));
        Assert.Single(_client.Lists);
        Assert.Equal(predictions.Select(p => p.Id), _client.Gets);
    }

    [Fact]
    public async Task FollowAsync_FailedWhileOthersRun_ItsGetAlternatesWithTheList()
    {
        var failing = _account.Create(Model, """{"prompt":"fails"}""", _time.GetUtcNow());
        var running = _account.Create(Model, """{"prompt":"runs"}""", _time.GetUtcNow());
        var failed = Follow(failing);
        var other = Follow(running);
        _account.Finish(failing.Id, PredictionStatuses.Failed);

        await _sut.TickAsync(CT);
        await _sut.TickAsync(CT);
        _account.Finish(running.Id);
        await _sut.TickAsync(CT);

        Assert.True(failed.IsCompletedSuccessfully);
        Assert.True(other.IsCompletedSuccessfully);
        Assert.Equal(2, _client.Lists.Count);
        Assert.Equal([failing.Id], _client.Gets);
    }

    [Fact]
    public async Task FollowAsync_CreatedAtUnknown_LearnsItByIdThenFollowsThroughTheList()
    {
        var p = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow());
        var follow = Follow(p, createdAtKnown: false);

        await _sut.TickAsync(CT);
        await _sut.TickAsync(CT);
        _account.Finish(p.Id);
        await _sut.TickAsync(CT);

        Assert.True(follow.IsCompletedSuccessfully);
        Assert.Equal([p.Id], _client.Gets);
        Assert.Equal(2, _client.Lists.Count);
    }

    [Fact]
    public async Task FollowAsync_OlderThanAFullPage_IsAskedForById()
    {
        var account = new ReplicateAccount(_client) { PageSize = 2 };
        var old = account.Create(Model, """{"prompt":"old"}""", _time.GetUtcNow());
        for (var i = 0; i < 3; i++) account.Create(Model, $$"""{"prompt":"{{i}}"}""", _time.GetUtcNow().AddSeconds(1 + i));
        account.Finish(old.Id);
        var follow = Follow(old);

        await _sut.TickAsync(CT);
        await _sut.TickAsync(CT);

        Assert.True(follow.IsCompletedSuccessfully);
        Assert.Equal([old.Id], _client.Gets);
    }

    [Fact]
    public async Task FollowAsync_NotFound_Faults()
    {
        var follow = _sut.FollowAsync("gone", null, CancellationToken.None);

        await _sut.TickAsync(CT);

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() => follow);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Tracker_TwentyInFlight_AtMostTwoRequestsASecondAndFinishedSeenWithinHalfASecondMostly()
    {
        await _sut.StartAsync(CT);
        var start = _time.GetUtcNow();
        var predictions = Enumerable.Range(0, 20).Select(i => _account.Create(Model, $$"""{"prompt":"{{i}}"}""", start.AddMilliseconds(50 * i))).ToList();
        var follows = predictions.Select(p => Follow(p)).ToList();
        // Each runs 4–11.5 s; every fifth fails (its list item lacks logs: one GET by id).
        var finishAt = predictions.Select((p, i) => start + TimeSpan.FromSeconds(4 + (i * 0.37 % 7.5))).ToList();
        var seenAfterTicks = new int[20];

        var tick = 0;
        while (follows.Any(f => !f.IsCompleted) && tick < 60)
        {
            for (var i = 0; i < 20; i++)
            {
                if (finishAt[i] <= _time.GetUtcNow() && !predictions[i].IsTerminal)
                {
                    _account.Finish(predictions[i].Id, i % 5 == 0 ? PredictionStatuses.Failed : PredictionStatuses.Succeeded);
                    predictions[i] = predictions[i] with { Status = PredictionStatuses.Succeeded };
                }
            }
            _time.Advance(PredictionTracker.Interval);
            await _observer.Ticks.Reader.ReadAsync(CT);
            tick++;
            for (var i = 0; i < 20; i++)
                if (predictions[i].IsTerminal && !follows[i].IsCompleted) seenAfterTicks[i]++;
        }

        Assert.All(follows, f => Assert.True(f.IsCompletedSuccessfully));
        var elapsedSeconds = (_time.GetUtcNow() - start).TotalSeconds;
        Assert.True(Requests <= 2 * elapsedSeconds, $"{Requests} requests in {elapsedSeconds} s");
        // Most show at the first tick after they finished (lag ≤ 0.5 s); a failed one needs a GET turn as well, and a tick
        // spent on that GET delays others by one tick: never more than two ticks.
        Assert.Equal(0, seenAfterTicks.Order().ElementAt(9));
        Assert.All(seenAfterTicks, extra => Assert.InRange(extra, 0, 2));
        await _sut.StopAsync(CT);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-5)]
    public async Task FindCreatedAsync_ReplicateClockMinutesOff_ListsFromReplicateTimeAndFindsTheHeldCreate(int minutes)
    {
        // An answer's Date header tells the clock Replicate's time.
        _clock.Observe(_time.GetUtcNow().AddMinutes(minutes));
        var sent = Sent("0", """{"prompt":"x"}""", _clock.Now);
        var find = Find(sent, CT);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var created = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow().AddMinutes(minutes));

        await _sut.TickAsync(CT);

        Assert.Equal(created.Id, (await find).Id);
        Assert.Equal(sent.SentAt - ReplicateClock.ListMargin, Assert.Single(_client.Lists).CreatedAfter);
        Assert.Equal(_time.GetUtcNow().AddMinutes(minutes).AddMilliseconds(-300) - ReplicateClock.ListMargin, _client.Lists.Single().CreatedAfter);
    }

    [Fact]
    public async Task FindCreatedAsync_ReplicateBehindAndClockUnknown_LocalBoundWouldMissIt()
    {
        // Why the bound must be in Replicate's time: with the local clock alone, a create on a Replicate clock 5 minutes
        // behind is stamped before the send and never found.
        var sent = Sent("0", """{"prompt":"x"}""", _clock.Now);
        var find = Find(sent, CT);
        _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow().AddMinutes(-5));

        await _sut.TickAsync(CT);

        Assert.False(find.IsCompleted);
    }

    [Fact]
    public async Task FindCreatedAsync_IdenticalCreates_GetDistinctIdsByCount()
    {
        const string input = """{"prompt":"same"}""";
        var now = _time.GetUtcNow();
        var older = _account.Create(Model, input, now.AddSeconds(-30));
        var answered = _account.Create(Model, input, now.AddMilliseconds(100));
        _finder.MarkKnown(answered.Id);
        var finds = Enumerable.Range(0, 3).Select(i => Find(Sent(i.ToString(System.Globalization.CultureInfo.InvariantCulture), input, now), CT)).ToList();
        var made = Enumerable.Range(0, 3).Select(i => _account.Create(Model, input, now.AddMilliseconds(200 + i))).ToList();
        var late = Find(Sent("3", input, now.AddSeconds(1)), CT);

        await _sut.TickAsync(CT);

        var ids = await Task.WhenAll(finds);
        Assert.Equal(made.Select(p => p.Id).Order(), ids.Select(p => p.Id).Order());
        Assert.False(late.IsCompleted);

        var fourth = _account.Create(Model, input, now.AddSeconds(1.5));
        await _sut.TickAsync(CT);
        Assert.Equal(fourth.Id, (await late).Id);
        Assert.DoesNotContain(older.Id, ids.Select(p => p.Id));
    }

    [Fact]
    public async Task FindCreatedAsync_HeldCreateBeyondTheFirstPage_FoundOnTheNextPageAtTheNextTick()
    {
        var account = new ReplicateAccount(_client) { PageSize = 2 };
        var now = _time.GetUtcNow();
        _clock.Observe(now);
        // Not cancellable: the tracker's own task, done with the tick that found it.
        var find = Find(Sent("0", """{"prompt":"held"}""", _clock.Now), CancellationToken.None);
        var held = account.Create(Model, """{"prompt":"held"}""", now.AddMilliseconds(100));
        // Predictions the account made since (other processes, the website) fill the first page.
        for (var i = 0; i < 3; i++) account.Create(Model, $$"""{"prompt":"other {{i}}"}""", now.AddSeconds(1 + i));

        await _sut.TickAsync(CT);
        Assert.False(find.IsCompleted);
        await _sut.TickAsync(CT);

        Assert.True(find.IsCompletedSuccessfully);
        Assert.Equal(held.Id, (await find).Id);
        Assert.Equal([null, "https://api.replicate.com/v1/predictions?cursor=2"], _client.Lists.Select(l => l.Cursor));
    }

    [Fact]
    public async Task FindCreatedAsync_FirstPageCoversTheSend_NoFurtherPage()
    {
        var account = new ReplicateAccount(_client) { PageSize = 2 };
        var now = _time.GetUtcNow();
        _clock.Observe(now);
        var older = account.Create(Model, """{"prompt":"followed"}""", now.AddSeconds(-30));
        account.Create(Model, """{"prompt":"other"}""", now.AddSeconds(-29));
        var follow = Follow(older);
        var find = Find(Sent("0", """{"prompt":"held"}""", _clock.Now), CancellationToken.None);
        var held = account.Create(Model, """{"prompt":"held"}""", now.AddMilliseconds(100));

        await _sut.TickAsync(CT);
        await _sut.TickAsync(CT);
        await _sut.TickAsync(CT);

        Assert.True(find.IsCompletedSuccessfully);
        Assert.Equal(held.Id, (await find).Id);
        Assert.False(follow.IsCompleted);
        // The find's list has a next page, but the held create was on the first: no page further. The follow's list
        // holds none of the followed on its first page, so the followed one is asked for by id instead of paging on.
        Assert.Equal([null, null], _client.Lists.Select(l => l.Cursor));
        Assert.Equal([older.Id], _client.Gets);
    }

    [Fact]
    public async Task MarkKnown_OlderThanAnyListWindow_Forgotten()
    {
        for (var i = 0; i < 50; i++) _finder.MarkKnown($"p{i:D3}");
        Assert.Equal(50, _finder.KnownCount);

        _time.Advance(HeldCreateFinder.KnownKeptFor + ReplicateClock.ListMargin + TimeSpan.FromSeconds(1));
        await _sut.TickAsync(CT);

        Assert.Equal(0, _finder.KnownCount);
    }

    [Fact]
    public async Task MarkKnown_InsideAnOpenFindsWindow_KeptAndNeverTaken()
    {
        const string input = """{"prompt":"same"}""";
        _clock.Observe(_time.GetUtcNow());
        var find = Find(Sent("0", input, _clock.Now), CT);
        var answered = _account.Create(Model, input, _time.GetUtcNow().AddMilliseconds(100));
        _finder.MarkKnown(answered.Id);

        // A create may be held for up to a minute, and an answer may come late: the id must stay taken all along.
        _time.Advance(HeldCreateFinder.KnownKeptFor * 3);
        await _sut.TickAsync(CT);

        Assert.False(find.IsCompleted);
        Assert.Equal(1, _finder.KnownCount);
    }

    [Fact]
    public async Task FollowAsync_Cancelled_StopsFollowing()
    {
        var p = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow());
        using var cts = new CancellationTokenSource();
        var follow = _sut.FollowAsync(p.Id, p.CreatedAt, cts.Token);

        await cts.CancelAsync();
        await _sut.TickAsync(CT);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);
        Assert.Equal(0, Requests);
    }

    [Fact]
    public async Task FindCreatedAsync_HeldCreateNothingNeedsYet_NoListUntilHeldLongEnough()
    {
        _clock.Observe(_time.GetUtcNow());
        var sent = Sent("0", """{"prompt":"x"}""", _clock.Now);
        var find = _finder.FindCreatedAsync(sent, CancellationToken.None);
        var created = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow().AddMilliseconds(100));

        await _sut.TickAsync(CT);
        _time.Advance(HeldCreateFinder.SearchAfter - TimeSpan.FromMilliseconds(1));
        await _sut.TickAsync(CT);
        Assert.Equal(0, Requests);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _sut.TickAsync(CT);
        Assert.Equal(created.Id, (await find).Id);
        Assert.Single(_client.Lists);
    }

    [Fact]
    public async Task FindCreatedAsync_CancelNeedsTheId_ListedAtTheNextTick()
    {
        _clock.Observe(_time.GetUtcNow());
        var sent = Sent("0", """{"prompt":"x"}""", _clock.Now);
        var find = _finder.FindCreatedAsync(sent, CancellationToken.None);
        var created = _account.Create(Model, """{"prompt":"x"}""", _time.GetUtcNow().AddMilliseconds(100));

        _finder.SearchNow(sent);
        await _sut.TickAsync(CT);

        Assert.Equal(created.Id, (await find).Id);
        Assert.Single(_client.Lists);
    }

    /// <summary>
    /// CONTRACT §5 at scale: 250 in flight fill three pages of the list. A sweep reads on page by page, so every end
    /// shows within 2 s (p50 ≤ 1 s) while following sends at most 5 requests a second, one a tick.
    /// </summary>
    [Fact]
    public async Task Tracker_TwoHundredFiftyInFlight_EveryEndSeenWithin2sAtMost5RequestsASecond()
    {
        const int count = 250;
        await _sut.StartAsync(CT);
        var start = _time.GetUtcNow();
        var predictions = Enumerable.Range(0, count).Select(i => _account.Create(Model, $$"""{"prompt":"{{i}}"}""", start.AddMilliseconds(10 * i))).ToList();
        var follows = predictions.Select(p => Follow(p)).ToList();
        // Each ends 10–18 s after the start, spread over the whole window.
        var endAt = predictions.Select((_, i) => start + TimeSpan.FromSeconds(10 + (i * 0.037 % 8))).ToList();
        var ended = new bool[count];
        var lags = new double[count];

        var ticks = 0;
        while (follows.Any(f => !f.IsCompleted) && ticks++ < 400)
        {
            var interval = _sut.CurrentInterval;
            Assert.True(interval >= TimeSpan.FromMilliseconds(200), $"interval {interval.TotalMilliseconds} ms");
            _time.Advance(interval);
            await _observer.Ticks.Reader.ReadAsync(CT);
            var now = _time.GetUtcNow();
            for (var i = 0; i < count; i++)
            {
                if (ended[i] && follows[i].IsCompleted && lags[i] == 0) lags[i] = Math.Max((now - endAt[i]).TotalSeconds, 1e-9);
                if (!ended[i] && endAt[i] <= now)
                {
                    _account.Finish(predictions[i].Id);
                    ended[i] = true;
                }
            }
        }

        Assert.All(follows, f => Assert.True(f.IsCompletedSuccessfully));
        Assert.True(lags.Max() <= 2, $"slowest end seen after {lags.Max():0.00} s");
        Assert.True(lags.Order().ElementAt(count / 2) <= 1, $"p50 {lags.Order().ElementAt(count / 2):0.00} s");
        var elapsed = (_time.GetUtcNow() - start).TotalSeconds;
        Assert.True(Requests <= 5 * elapsed, $"{Requests} requests in {elapsed:0.0} s");
        Assert.Contains(_client.Lists, l => l.Cursor is not null);
        Assert.Empty(_client.Gets);
        await _sut.StopAsync(CT);
    }

    [Fact]
    public async Task TickAsync_NothingFollowed_SendsNothing()
    {
        await _sut.TickAsync(CT);

        Assert.Equal(0, Requests);
    }
}
