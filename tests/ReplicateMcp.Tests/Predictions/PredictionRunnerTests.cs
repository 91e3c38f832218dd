using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Predictions;

public sealed class PredictionRunnerTests : IDisposable
{
    private static readonly string VersionA = new('a', 64);
    private static readonly string VersionB = new('b', 64);
    private static readonly ModelRef Pinned = new("owner", "model", VersionA);
    private static readonly JsonElement Input = JsonDocument.Parse("""{"prompt": "a cat"}""").RootElement.Clone();

    private readonly ScriptedReplicateClient _client = new();
    private readonly SignalingTimeProvider _time = new();
    private readonly RecordingProgress _progress = new();
    private readonly string _downloads = Directory.CreateTempSubdirectory("replicate-mcp-runner-").FullName;
    private readonly HttpClient _http = new();
    private readonly PredictionRunnerOptions _options = new()
    {
        MaxConcurrency = 20,
        PollFailureBudget = TimeSpan.FromSeconds(60),
    };

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _http.Dispose();
        _tracker?.Dispose();
        Directory.Delete(_downloads, recursive: true);
    }

    private PredictionTracker _tracker = null!;
    private HeldCreateFinder _finder = null!;
    private readonly HeldCreates _heldCreates = new();

    private PredictionRunner CreateSut()
    {
        var clock = new ReplicateClock(_time);
        clock.Observe(_time.GetUtcNow()); // Replicate's time is known: no read goes before the first create
        _finder = new HeldCreateFinder(clock);
        _tracker = new PredictionTracker(_client, clock, _finder, _time, NullLogger<PredictionTracker>.Instance) { FailureBudget = _options.PollFailureBudget };
        // The tracker's own timer is made with it: taken off the signals, so the next one is the runner parking.
        Assert.True(_time.NextTimerAsync(CT).AsTask().IsCompleted);
        return CreateSut(clock);
    }

    private PredictionRunner CreateSut(ReplicateClock clock) => new(
        _client,
        new ModelCatalog(_client, _time),
        new PredictionResultBuilder(new OutputDownloader(
            () => _http,
            new DownloadOptions { DownloadDirectory = _downloads, ApiBaseUrl = new Uri("http://127.0.0.1:9/v1/") },
            NullLogger<OutputDownloader>.Instance)),
        _tracker,
        _finder,
        _heldCreates,
        clock,
        _time,
        Options.Create(_options),
        Options.Create(new ReplicateOptions()),
        NullLogger<PredictionRunner>.Instance);

    private static PredictionRequest Request(ModelRef? model = null, double timeoutSeconds = 300) =>
        new(model ?? Pinned, Input, TimeSpan.FromSeconds(timeoutSeconds), Download: false, "job/0");

    /// <summary>Runs with the user's cancel from <paramref name="cancel"/>; the test's own token stands for process shutdown.</summary>
    private Task<PredictionOutcome> Run(PredictionRunner sut, PredictionRequest? request = null, CancellationTokenSource? cancel = null) =>
        sut.RunAsync(request ?? Request(), _progress, cancel?.Token ?? CancellationToken.None, CT);

    /// <summary>
    /// Runs the tracker's ticks, half a second of fake time apart, while the runner follows; between follows, waits
    /// for the runner to park again (its deadline timer) or to end, so no tick runs ahead of it.
    /// </summary>
    private async Task<PredictionOutcome> DriveAsync(Task<PredictionOutcome> run)
    {
        while (true)
        {
            if (await Task.WhenAny(run, _time.NextTimerAsync(CT).AsTask()) == run) return await run;
            while (true)
            {
                await _tracker.TickAsync(CT);
                if (_tracker.Pending == 0) break;
                _time.Advance(PredictionTracker.Interval);
            }
        }
    }

    /// <summary>Creates come back "starting" with this id; polls answer from the script.</summary>
    private string CreateStartsAs(string id = "p1")
    {
        _client.DefaultCreate = _ => ScriptedReplicateClient.InStatus(id, PredictionStatuses.Starting);
        return id;
    }

    [Fact]
    public async Task RunAsync_FinishedInCreate_OneCreateAndNoPolls()
    {
        _client.DefaultCreate = call => ScriptedReplicateClient.Succeeded(call.PredictionId);
        var sut = CreateSut();

        var outcome = await Run(sut);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Single(_client.Creates);
        Assert.Empty(_client.Gets);
        Assert.Equal(["done"], outcome.Result!.TextOutput);
        Assert.Equal(1, _progress.Started);
        Assert.Equal([outcome.Result.PredictionId!], _progress.Created);
        Assert.Equal(0, sut.InFlight);
    }

    [Fact]
    public async Task RunAsync_UnfinishedCreate_PollsUntilSucceeded()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id,
            ScriptedReplicateClient.InStatus(id, PredictionStatuses.Processing),
            ScriptedReplicateClient.InStatus(id, PredictionStatuses.Processing),
            ScriptedReplicateClient.Succeeded(id, """["Hel", "lo"]"""));
        var sut = CreateSut();

        var outcome = await DriveAsync(Run(sut));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal([id, id, id], _client.Gets);
        Assert.Equal(["Hello"], outcome.Result!.TextOutput);
        Assert.Equal(id, outcome.Result.PredictionId);
        Assert.Equal([id], _progress.Created);
    }

    [Theory]
    [InlineData(300, 60)]
    [InlineData(60, 60)]
    [InlineData(45.5, 45)]
    [InlineData(5, 5)]
    public async Task RunAsync_Create_PreferWaitIsMinOf60AndTimeLeft(double timeoutSeconds, int expectedWait)
    {
        var sut = CreateSut();

        await Run(sut, Request(timeoutSeconds: timeoutSeconds));

        Assert.Equal(expectedWait, Assert.Single(_client.Creates).PreferWaitSeconds);
    }

    [Fact]
    public async Task RunAsync_SixRunsWithCapTwo_NeverMoreThanTwoInFlight()
    {
        _options.MaxConcurrency = 2;
        _client.HoldCreates = true;
        var sut = CreateSut();

        var runs = Enumerable.Range(0, 6).Select(_ => Run(sut)).ToList();

        Assert.Equal(2, _client.Creates.Count);
        Assert.Equal(2, sut.InFlight);
        for (var i = 0; i < 6; i++)
        {
            var call = await _client.NextHeldCreateAsync(CT);
            Assert.True(sut.InFlight <= 2);
            call.Release.SetResult(ScriptedReplicateClient.Succeeded($"pred{i}"));
        }
        var outcomes = await Task.WhenAll(runs);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Succeeded, o.Status));
        Assert.Equal(6, _client.Creates.Count);
        Assert.Equal(2, _client.MaxConcurrentCreates);
        Assert.Equal(0, sut.InFlight);
    }

    [Fact]
    public async Task RunAsync_UserCancelWhileQueuedForSlot_NeverCreates()
    {
        _options.MaxConcurrency = 1;
        _client.HoldCreates = true;
        var sut = CreateSut();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(CT);
        var first = Run(sut);
        var queued = Run(sut, cancel: cancel);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        (await _client.NextHeldCreateAsync(CT)).Release.SetResult(ScriptedReplicateClient.Succeeded("pred1"));
        Assert.Equal(OutcomeStatus.Succeeded, (await first).Status);
        Assert.Single(_client.Creates);
        Assert.Equal(1, _progress.Started);
    }

    [Fact]
    public async Task RunAsync_TimeoutWhilePolling_TimedOutPendingWithIdAndNoCancel()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id, ScriptedReplicateClient.InStatus(id, PredictionStatuses.Processing));
        var sut = CreateSut();
        var started = _time.GetUtcNow();

        var outcome = await DriveAsync(Run(sut, Request(timeoutSeconds: 10)));

        Assert.Equal(OutcomeStatus.TimedOut, outcome.Status);
        Assert.True(outcome.Result!.Pending);
        Assert.Equal(id, outcome.Result.PredictionId);
        Assert.Contains(id, outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_client.Cancels);
        Assert.True(_time.GetUtcNow() - started >= TimeSpan.FromSeconds(10));
        Assert.NotEmpty(_client.Gets);
    }

    [Fact]
    public async Task RunAsync_UserCancelWhilePolling_PostsCancelOnceAndEndsCanceled()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id, ScriptedReplicateClient.InStatus(id, PredictionStatuses.Processing));
        var sut = CreateSut();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(CT);
        var run = Run(sut, cancel: cancel);

        await _time.NextTimerAsync(CT); // following
        await _tracker.TickAsync(CT); // first poll: still processing
        await cancel.CancelAsync();
        var outcome = await run;

        Assert.Equal(OutcomeStatus.Canceled, outcome.Status);
        Assert.Equal(PredictionStatuses.Canceled, outcome.Result!.Status);
        Assert.Equal([id], _client.Cancels);
        Assert.Equal([id], _client.Gets);
    }

    [Fact]
    public async Task RunAsync_UserCancelWhileCreateInFlight_CreateNotAbortedThenItsPredictionCanceled()
    {
        _client.HoldCreates = true;
        var sut = CreateSut();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(CT);
        var run = Run(sut, cancel: cancel);
        var create = await _client.NextHeldCreateAsync(CT);

        await cancel.CancelAsync();

        Assert.False(create.CancellationToken.IsCancellationRequested);
        Assert.False(run.IsCompleted);
        create.Release.SetResult(ScriptedReplicateClient.InStatus("late1", PredictionStatuses.Starting));
        var outcome = await run;

        Assert.Equal(OutcomeStatus.Canceled, outcome.Status);
        Assert.Equal(["late1"], _client.Cancels);
        Assert.Equal(["late1"], _progress.Created);
        Assert.Empty(_client.Gets);
    }

    /// <summary>
    /// CONTRACT §6: two jobs hold identical creates; Replicate made job B's prediction first, so matching by count gives
    /// job A's find B's prediction. A cancel of job A must not reach it: A cancels only what its own create answers.
    /// </summary>
    [Fact]
    public async Task RunAsync_UserCancelWhileAnotherJobHoldsAnIdenticalCreate_NeverCancelsThePredictionThatJobMayOwn()
    {
        _client.HoldCreates = true;
        var sut = CreateSut();
        var now = _time.GetUtcNow();
        Prediction Listed(string id, double afterSeconds) => new()
        {
            Id = id, Model = Pinned.FullName, Input = Input, Status = PredictionStatuses.Processing, CreatedAt = now.AddSeconds(afterSeconds),
        };
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("ofjoba", 0.2), Listed("ofjobb", 0.1)] };
        RecordingProgress progressA = new(), progressB = new();
        using var cancelA = CancellationTokenSource.CreateLinkedTokenSource(CT);
        var runA = sut.RunAsync(Request() with { DownloadFolder = "job-a/0" }, progressA, cancelA.Token, CT);
        var createA = await _client.NextHeldCreateAsync(CT);
        var runB = sut.RunAsync(Request() with { DownloadFolder = "job-b/0" }, progressB, CancellationToken.None, CT);
        var createB = await _client.NextHeldCreateAsync(CT);

        _time.Advance(HeldCreateFinder.SearchAfter); // both held long enough to be looked for
        await cancelA.CancelAsync();
        await _tracker.TickAsync(CT);
        Assert.Equal("ofjobb", await progressA.NextCreatedAsync(CT)); // provisional, and not A's to cancel
        Assert.Equal("ofjoba", await progressB.NextCreatedAsync(CT));
        createB.Release.SetResult(ScriptedReplicateClient.Succeeded("ofjobb"));
        var outcomeB = await runB;
        createA.Release.SetResult(ScriptedReplicateClient.InStatus("ofjoba", PredictionStatuses.Starting));
        var outcomeA = await runA;

        Assert.True(outcomeB.Status == OutcomeStatus.Succeeded, outcomeB.Error);
        Assert.Equal(OutcomeStatus.Canceled, outcomeA.Status);
        Assert.Equal(["ofjoba"], _client.Cancels);
    }

    /// <summary>The same held creates, but in one job: a cancel of the job is every item's, so the found one is cancelled at once.</summary>
    [Fact]
    public async Task RunAsync_UserCancelWhileIdenticalCreatesOfTheSameJobHeld_CancelsTheFoundPredictionsBeforeTheAnswers()
    {
        _client.HoldCreates = true;
        var sut = CreateSut();
        var now = _time.GetUtcNow();
        Prediction Listed(string id, double afterSeconds) => new()
        {
            Id = id, Model = Pinned.FullName, Input = Input, Status = PredictionStatuses.Processing, CreatedAt = now.AddSeconds(afterSeconds),
        };
        _client.ListAnswer = _ => new PredictionPage { Results = [Listed("second", 0.2), Listed("first", 0.1)] };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(CT);
        var runs = new[] { "job-a/0", "job-a/1" }.Select(folder => sut.RunAsync(Request() with { DownloadFolder = folder }, new RecordingProgress(), cancel.Token, CT)).ToList();
        var creates = new[] { await _client.NextHeldCreateAsync(CT), await _client.NextHeldCreateAsync(CT) };

        _time.Advance(HeldCreateFinder.SearchAfter);
        await cancel.CancelAsync();
        await _tracker.TickAsync(CT);
        await _client.NextCancelAsync(CT);
        await _client.NextCancelAsync(CT);
        Assert.Equal(["first", "second"], _client.Cancels.Order(StringComparer.Ordinal));
        creates[0].Release.SetResult(ScriptedReplicateClient.InStatus("first", PredictionStatuses.Canceled));
        creates[1].Release.SetResult(ScriptedReplicateClient.InStatus("second", PredictionStatuses.Canceled));

        Assert.All(await Task.WhenAll(runs), o => Assert.Equal(OutcomeStatus.Canceled, o.Status));
    }

    [Fact]
    public async Task RunAsync_PollFailuresBeyondBudget_FailedNamingThePrediction()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id, new HttpRequestException("connection reset by peer"));
        var sut = CreateSut();
        var started = _time.GetUtcNow();

        var outcome = await DriveAsync(Run(sut, Request(timeoutSeconds: 1800)));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains(id, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("connection reset by peer", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(id, outcome.Result!.PredictionId);
        // The unbroken run of failures must last the whole budget.
        Assert.True(_time.GetUtcNow() - started >= TimeSpan.FromSeconds(60), $"gave up after {_time.GetUtcNow() - started}");
        Assert.True(_client.Gets.Count > 10);
        Assert.Empty(_client.Cancels);
    }

    // "hung": a poll with no answer within the client's per-attempt timeout, once its retries are spent.
    public static TheoryData<string> TransientPollFaults => ["http", "500", "429", "hung"];

    private static Exception Fault(string kind) => kind switch
    {
        "http" => new HttpRequestException("connection reset"),
        "hung" => new Polly.Timeout.TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:30'."),
        "500" => new ReplicateApiException(HttpStatusCode.InternalServerError, "Replicate had an internal error (500)"),
        _ => new ReplicateApiException(HttpStatusCode.TooManyRequests, "Replicate kept throttling requests (429): rate limit"),
    };

    [Theory]
    [MemberData(nameof(TransientPollFaults))]
    public async Task RunAsync_PollFaultsWithinBudget_Survived(string kind)
    {
        var id = CreateStartsAs();
        var fault = Fault(kind);
        _client.ScriptPolls(id, fault, fault, fault, fault, fault, ScriptedReplicateClient.Succeeded(id));
        var sut = CreateSut();

        var outcome = await DriveAsync(Run(sut));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(6, _client.Gets.Count);
    }

    [Fact]
    public async Task RunAsync_ThrottledPollsBeyondBudget_ItemFailsInsteadOfThrowing()
    {
        // A poll that stays throttled past the client's own retries must end this item, not escape as an exception
        // (which the executor treats as an internal error and uses to fail every remaining item of the job).
        var id = CreateStartsAs();
        _client.ScriptPolls(id, Fault("429"));
        var sut = CreateSut();

        var outcome = await DriveAsync(Run(sut, Request(timeoutSeconds: 1800)));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains(id, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PollAnswers404_FailedAtOnce()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id, new ReplicateApiException(HttpStatusCode.NotFound, "prediction not found"));
        var sut = CreateSut();

        var outcome = await DriveAsync(Run(sut));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("prediction not found", outcome.Error);
        Assert.Single(_client.Gets);
    }

    [Fact]
    public async Task RunAsync_PredictionFails_FailedWithReplicatesError()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id, new Prediction
        {
            Id = id,
            Status = PredictionStatuses.Failed,
            Error = JsonDocument.Parse("\"CUDA out of memory\"").RootElement.Clone(),
            Logs = "loading weights\nOOM",
        });
        var sut = CreateSut();

        var outcome = await DriveAsync(Run(sut));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("CUDA out of memory", outcome.Error);
        Assert.Equal("CUDA out of memory", outcome.Result!.Error);
        Assert.Equal("loading weights\nOOM", outcome.Result.LogsTail);
        Assert.Equal(id, outcome.Result.PredictionId);
    }

    [Fact]
    public async Task RunAsync_CreateAnswersFailed_FailedWithoutPolling()
    {
        _client.DefaultCreate = _ => new Prediction
        {
            Id = "f1",
            Status = PredictionStatuses.Failed,
            Error = JsonDocument.Parse("\"NSFW content detected\"").RootElement.Clone(),
        };
        var sut = CreateSut();

        var outcome = await Run(sut);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("NSFW content detected", outcome.Error);
        Assert.Empty(_client.Gets);
    }

    [Fact]
    public async Task RunAsync_PredictionAborted_TerminalAndNotSucceeded()
    {
        var id = CreateStartsAs();
        _client.ScriptPolls(id, ScriptedReplicateClient.InStatus(id, PredictionStatuses.Aborted));
        var sut = CreateSut();

        var outcome = await DriveAsync(Run(sut));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal(PredictionStatuses.Aborted, outcome.Result!.Status);
        Assert.Contains("aborted", outcome.Error, StringComparison.Ordinal);
        Assert.Single(_client.Gets);
        Assert.Empty(_client.Cancels);
    }

    [Fact]
    public async Task RunAsync_CreateRejected_FailedWithTheApiMessage()
    {
        _client.DefaultCreate = _ => throw new ReplicateApiException(HttpStatusCode.PaymentRequired, "Replicate says: insufficient credit (402)");
        var sut = CreateSut();

        var outcome = await Run(sut);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Replicate says: insufficient credit (402)", outcome.Error);
        Assert.Empty(_progress.Created);
    }

    [Fact]
    public async Task RunAsync_UserCancelDuringModelLookup_NeverCreates()
    {
        _client.AddModel(new ModelInfo { Owner = "black-forest-labs", Name = "flux-schnell", IsOfficial = true });
        _client.HoldModelLookups = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sut = CreateSut();
        using var cancel = new CancellationTokenSource();

        var run = Run(sut, Request(new ModelRef("black-forest-labs", "flux-schnell", null)), cancel);
        await _client.ModelLookupStarted.Task.WaitAsync(CT);
        await cancel.CancelAsync();
        _client.HoldModelLookups.SetResult();
        var outcome = await run;

        Assert.Equal(OutcomeStatus.Canceled, outcome.Status);
        Assert.Empty(_client.Creates);
    }

    [Fact]
    public async Task RunAsync_ModelLookupFails_SaysNoPredictionWasCreated()
    {
        var sut = CreateSut();

        var outcome = await Run(sut, Request(new ModelRef("nobody", "missing", null)));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("no prediction was created", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("may have reached Replicate", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_client.Creates);
    }

    [Fact]
    public async Task RunAsync_CommunityModelManyRuns_LatestVersionLookedUpOnce()
    {
        _client.AddModel(new ModelInfo { Owner = "someone", Name = "community", IsOfficial = false, LatestVersion = new ModelVersionInfo { Id = VersionB } });
        var sut = CreateSut();
        var model = new ModelRef("someone", "community", null);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Run(sut, Request(model))));
        outcomes = [.. outcomes, await Run(sut, Request(model))];

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Succeeded, o.Status));
        Assert.Equal(["someone/community"], _client.ModelLookups);
        Assert.All(_client.Creates, c => Assert.Equal(model with { Version = VersionB }, c.Model));
    }

    [Fact]
    public async Task RunAsync_OfficialModel_CreatedByNameWithoutVersion()
    {
        _client.AddModel(new ModelInfo { Owner = "black-forest-labs", Name = "flux-schnell", IsOfficial = true });
        var sut = CreateSut();
        var model = new ModelRef("black-forest-labs", "flux-schnell", null);

        await Run(sut, Request(model));
        await Run(sut, Request(model));

        Assert.All(_client.Creates, c => Assert.Equal(model, c.Model));
        Assert.Single(_client.ModelLookups);
    }

    [Fact]
    public async Task RunAsync_UnknownModel_FailedWithoutCreate()
    {
        var sut = CreateSut();

        var outcome = await Run(sut, Request(new ModelRef("nobody", "nothing", null)));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("nobody/nothing", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_client.Creates);
    }
}
