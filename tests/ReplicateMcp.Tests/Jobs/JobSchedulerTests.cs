using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.Schemas;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using static ReplicateMcp.Tests.TestUtilities.Exec.ExecCoreHarness;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.Jobs;

public sealed class JobSchedulerTests : IAsyncLifetime
{
    private const string GenUrl = "https://replicate.delivery/fake/gen.png";
    private readonly ExecCoreHarness _harness = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private ScriptedReplicateClient Api => _harness.Api;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task StartAsync_BatchOfTenWithConcurrencyThree_NeverRunsMoreThanThreeAndAllSucceed()
    {
        Api.HoldCreates = true;
        var spec = Batch(3, [.. Enumerable.Range(0, 10).Select(i => Item("acme/flux", $$"""{"prompt": "fox {{i}}"}"""))]);

        var started = await _harness.Starter.StartAsync(spec, CT);

        var held = new List<CreateCall>();
        for (var i = 0; i < 3; i++) held.Add(await Api.NextHeldCreateAsync(CT));
        Assert.Equal(3, Api.CreatesInFlight);
        // Answer one at a time: each answer frees exactly one slot for the next queued item.
        for (var answered = 0; answered < 10; answered++)
        {
            held[answered].Succeed($"https://replicate.delivery/fake/{answered}.png");
            if (held.Count < 10) held.Add(await Api.NextHeldCreateAsync(CT));
        }

        var job = await _harness.FinishedAsync(started.Job.Id);
        Assert.Equal(3, Api.MaxConcurrentCreates);
        Assert.Equal(10, Api.Creates.Count);
        Assert.All(job.Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
        Assert.All(job.Items, i => Assert.NotNull(i.Result));
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(ExecCoreHarness.Start, job.CompletedAt);
        Assert.Equal(ExecCoreHarness.Start.AddHours(1), job.ExpiresAt);
        Assert.Equal(10, job.Items.Select(i => i.PredictionId).Distinct().Count());
    }

    [Fact]
    public async Task StartAsync_PipelineFanOut_RunsBothDownstreamStepsAtOnceWithGenUrl()
    {
        Api.HoldCreates = true;
        var spec = Pipeline(3,
            Step("gen", "acme/flux", """{"prompt": "a fox"}"""),
            Step("upscale", "acme/upscaler", """{"image": "$gen.urls[0]", "scale": 2}"""),
            Step("no_bg", "acme/rembg", """{"image": "$gen.urls[0]"}"""));

        var started = await _harness.Starter.StartAsync(spec, CT);

        var gen = await Api.NextHeldCreateAsync(CT);
        Assert.Equal("acme/flux", gen.Model.ToString());
        Assert.Single(Api.Creates);
        gen.Succeed(GenUrl);

        var first = await Api.NextHeldCreateAsync(CT);
        var second = await Api.NextHeldCreateAsync(CT);
        // Both downstream creates are held at this point, so they overlap.
        Assert.Equal(2, Api.CreatesInFlight);
        Assert.Equal(["acme/rembg", "acme/upscaler"], new[] { first, second }.Select(h => h.Model.ToString()).Order(StringComparer.Ordinal));
        Assert.All([first, second], h => Assert.Equal(GenUrl, h.Input.GetProperty("image").GetString()));
        first.Succeed("https://replicate.delivery/fake/a.png");
        second.Succeed("https://replicate.delivery/fake/b.png");

        var job = await _harness.FinishedAsync(started.Job.Id);
        Assert.Equal(2, Api.MaxConcurrentCreates);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        var upscale = job.Items.Single(i => i.StepId == "upscale");
        Assert.Equal(["gen"], upscale.DependsOn);
        Assert.Equal(GenUrl, upscale.SentInput!.Value.GetProperty("image").GetString());
        Assert.Equal(2, upscale.SentInput.Value.GetProperty("scale").GetInt32());
    }

    [Fact]
    public async Task StartAsync_DiamondJoin_StartsJoinOnlyAfterBothBranchesSucceeded()
    {
        Api.HoldCreates = true;
        var spec = Pipeline(3,
            Step("a", "acme/flux", """{"prompt": "a fox"}"""),
            Step("b", "acme/upscaler", """{"image": "$a.urls[0]"}"""),
            Step("c", "acme/rembg", """{"image": "$a.urls[0]"}"""),
            Step("d", "acme/compose", """{"left": "$b.urls[0]", "right": "$c.urls[0]", "title": "b=$b.prediction_id"}"""));

        var started = await _harness.Starter.StartAsync(spec, CT);
        (await Api.NextHeldCreateAsync(CT)).Succeed("https://replicate.delivery/fake/a.png");
        var branches = new[] { await Api.NextHeldCreateAsync(CT), await Api.NextHeldCreateAsync(CT) }.ToDictionary(h => h.Model.Name);

        branches["upscaler"].Succeed("https://replicate.delivery/fake/b.png");
        var afterB = await _harness.WaitForAsync(started.Job.Id, j => j.Items[1].Status == ItemStatus.Succeeded);
        Assert.Equal(ItemStatus.Queued, afterB.Items[3].Status);
        Assert.Equal(ItemStatus.Running, afterB.Items[2].Status);
        branches["rembg"].Succeed("https://replicate.delivery/fake/c.png");

        var d = await Api.NextHeldCreateAsync(CT);
        Assert.Equal("acme/compose", d.Model.ToString());
        // d's input could only be resolved from b's and c's results once both had succeeded.
        Assert.Equal("https://replicate.delivery/fake/b.png", d.Input.GetProperty("left").GetString());
        Assert.Equal("https://replicate.delivery/fake/c.png", d.Input.GetProperty("right").GetString());
        Assert.Equal($"b={branches["upscaler"].PredictionId}", d.Input.GetProperty("title").GetString());
        d.Succeed("https://replicate.delivery/fake/d.png");

        var job = await _harness.FinishedAsync(started.Job.Id);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(["b", "c"], job.Items[3].DependsOn);
        Assert.All(job.Items.Take(3), i => Assert.True(i.CompletedAt <= job.Items[3].StartedAt));
    }

    [Fact]
    public async Task StartAsync_OneBranchFails_SkipsOnlyItsDescendantsAndIsPartial()
    {
        Api.DefaultCreate = call => call.Model.Name == "bad"
            ? ScriptedReplicateClient.Failed(call.PredictionId, "CUDA out of memory")
            : ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png");
        var spec = Pipeline(2,
            Step("root", "acme/flux", """{"prompt": "a fox"}"""),
            Step("broken", "acme/bad", """{"image": "$root.urls[0]"}"""),
            Step("child", "acme/upscaler", """{"image": "$broken.urls[0]"}"""),
            Step("grandchild", "acme/rembg", """{"image": "$child.urls[0]"}"""),
            Step("good", "acme/caption", """{"image": "$root.urls[0]"}"""),
            Step("loner", "acme/flux", """{"prompt": "independent"}"""));

        var started = await _harness.Starter.StartAsync(spec, CT);
        var job = await _harness.FinishedAsync(started.Job.Id);

        var byId = job.Items.ToDictionary(i => i.StepId!);
        Assert.Equal(ItemStatus.Failed, byId["broken"].Status);
        Assert.Contains("CUDA out of memory", byId["broken"].Error);
        Assert.All([byId["child"], byId["grandchild"]], s =>
        {
            Assert.Equal(ItemStatus.Skipped, s.Status);
            Assert.Contains("'broken'", s.SkipReason);
            Assert.Null(s.PredictionId);
        });
        Assert.All([byId["root"], byId["good"], byId["loner"]], s => Assert.Equal(ItemStatus.Succeeded, s.Status));
        Assert.DoesNotContain(Api.Creates, c => c.Model.Name is "upscaler" or "rembg");
        Assert.Equal(4, Api.Creates.Count);
        Assert.Equal(JobStatus.Partial, job.Status);
        Assert.NotNull(job.CompletedAt);
    }

    [Fact]
    public async Task StartAsync_ReferenceOutOfRangeAtRuntime_FailsThatStepNamingTheReference()
    {
        var spec = Pipeline(3,
            Step("gen", "acme/flux", """{"prompt": "a fox"}"""),
            Step("up", "acme/upscaler", """{"image": "$gen.urls[3]"}"""));

        var started = await _harness.Starter.StartAsync(spec, CT);
        var job = await _harness.FinishedAsync(started.Job.Id);

        var up = job.Items[1];
        Assert.Equal(ItemStatus.Failed, up.Status);
        Assert.Contains("$gen.urls[3]", up.Error);
        Assert.Contains("steps[up]", up.Error);
        Assert.Single(Api.Creates);
        Assert.Equal(JobStatus.Partial, job.Status);
    }

    [Fact]
    public async Task StartAsync_TemplatedInputBreaksSchemaOnceResolved_FailsThatStepBeforeItsCreate()
    {
        Api.PublishSchema("acme/flux", CogSchemas.FluxLike);
        var spec = Pipeline(3,
            Step("gen", "acme/flux", """{"prompt": "a fox"}"""),
            Step("again", "acme/flux", """{"prompt": "again", "aspect_ratio": "$gen.urls[0]"}"""));

        var started = await _harness.Starter.StartAsync(spec, CT);
        var job = await _harness.FinishedAsync(started.Job.Id);

        Assert.Equal(ItemStatus.Failed, job.Items[1].Status);
        Assert.Contains("steps[again].input.aspect_ratio", job.Items[1].Error);
        Assert.Single(Api.Creates);
    }

    [Fact]
    public async Task StartAsync_SchemaCannotBeFetched_StartsAndSaysValidationSkipped()
    {
        Api.ModelLookupFault = _ => new HttpRequestException("connection refused");

        // A pinned version needs no lookup to be created, so only validation is affected.
        var started = await _harness.Starter.StartAsync(Batch(1, Item($"acme/flux:{ScriptedReplicateClient.Version}")), CT);
        var job = await _harness.FinishedAsync(started.Job.Id);

        Assert.Contains("validation skipped", started.Message);
        Assert.Contains("connection refused", started.Message);
        Assert.Equal(JobStatus.Succeeded, job.Status);
    }

    [Fact]
    public async Task CancelAsync_WhileRunning_CancelsPredictionsAndNeverStartsQueuedItems()
    {
        Api.HoldCreates = true;
        var spec = Batch(2, [.. Enumerable.Range(0, 5).Select(i => Item("acme/flux"))]);
        var started = await _harness.Starter.StartAsync(spec, CT);
        var running = await Api.NextHeldCreateAsync(CT);
        var onTheWire = await Api.NextHeldCreateAsync(CT);
        running.Start();
        await _harness.WaitForAsync(started.Job.Id, j => j.Items.Any(i => i.PredictionId == running.PredictionId));

        var afterCancel = await _harness.Executor.CancelAsync(started.Job.Id, CT);
        Assert.Equal(JobStatus.Canceled, afterCancel!.Status);
        // The create that was on the wire answers after the cancel: its prediction must be cancelled by id.
        onTheWire.Start();

        var job = await _harness.FinishedAsync(started.Job.Id);
        Assert.Equal(2, Api.Creates.Count);
        Assert.Equal([running.PredictionId, onTheWire.PredictionId], Api.Cancels.Order(StringComparer.Ordinal));
        Assert.Equal(JobStatus.Canceled, job.Status);
        Assert.All(job.Items, i => Assert.Equal(ItemStatus.Canceled, i.Status));
        Assert.All(job.Items.Where(i => i.Index >= 2), i => Assert.Null(i.PredictionId));
        Assert.NotNull(job.CompletedAt);
    }

    [Fact]
    public async Task CancelAsync_PipelineWhileFirstStepRuns_MarksStepsThatNeverStartedCanceledNotSkipped()
    {
        Api.HoldCreates = true;
        var spec = Pipeline(3,
            Step("gen", "acme/flux", """{"prompt": "a fox"}"""),
            Step("up", "acme/upscaler", """{"image": "$gen.urls[0]"}"""),
            Step("after", "acme/rembg", """{"image": "$up.urls[0]"}"""));
        var started = await _harness.Starter.StartAsync(spec, CT);
        var gen = await Api.NextHeldCreateAsync(CT);
        gen.Start();
        await _harness.WaitForAsync(started.Job.Id, j => j.Items[0].PredictionId == gen.PredictionId);

        await _harness.Executor.CancelAsync(started.Job.Id, CT);
        var job = await _harness.FinishedAsync(started.Job.Id);

        Assert.Equal(JobStatus.Canceled, job.Status);
        Assert.All(job.Items, i => Assert.Equal(ItemStatus.Canceled, i.Status));
        Assert.All(job.Items, i => Assert.Null(i.SkipReason));
        Assert.Equal([gen.PredictionId], Api.Cancels);
        Assert.Single(Api.Creates);
    }

    [Fact]
    public async Task CancelAsync_FinishedJob_LeavesItUnchanged()
    {
        var started = await _harness.Starter.StartAsync(Batch(1, Item("acme/flux")), CT);
        var finished = await _harness.FinishedAsync(started.Job.Id);

        var after = await _harness.Executor.CancelAsync(started.Job.Id, CT);

        Assert.Equal(JobStatus.Succeeded, after!.Status);
        Assert.Equal(finished.CompletedAt, after.CompletedAt);
        Assert.Empty(Api.Cancels);
    }

    [Fact]
    public async Task StartAsync_BatchWithBadModelAndBadEnum_RefusesListingEveryProblemWithoutCreates()
    {
        Api.PublishSchema("acme/flux", CogSchemas.FluxLike);
        var spec = Batch(3,
            Item("flux-schnell"),
            Item("acme/flux", """{"prompt": "a fox", "aspect_ratio": "7:1"}"""),
            Item("acme/flux"));

        var ex = await Assert.ThrowsAsync<JobStartException>(() => _harness.Starter.StartAsync(spec, CT));

        Assert.Equal(2, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.StartsWith("items[0].model", StringComparison.Ordinal) && p.Contains("replicate_search_models", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("items[1].input.aspect_ratio", StringComparison.Ordinal) && p.Contains("\"7:1\"", StringComparison.Ordinal));
        Assert.Empty(Api.Creates);
        Assert.Empty(_harness.Store.List());
    }

    [Fact]
    public async Task StartAsync_PipelineWithEveryKindOfProblem_RefusesListingEveryProblemWithoutCreates()
    {
        Api.PublishSchema("acme/flux", CogSchemas.FluxLike);
        var spec = Pipeline(3,
            Step("gen", "flux-schnell", """{"prompt": "a fox"}"""),
            Step("typo", "acme/upscaler", """{"image": "$gne.urls[0]"}"""),
            Step("x", "acme/rembg", """{"image": "$y.urls[0]"}"""),
            Step("y", "acme/rembg", """{"image": "$x.urls[0]"}"""),
            Step("styled", "acme/flux", """{"prompt": "a fox", "output_format": "gif"}"""));

        var ex = await Assert.ThrowsAsync<JobStartException>(() => _harness.Starter.StartAsync(spec, CT));

        Assert.Contains(ex.Problems, p => p.StartsWith("steps[gen].model", StringComparison.Ordinal) && p.Contains("replicate_search_models", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("steps[typo].input.image", StringComparison.Ordinal) && p.Contains("unknown step 'gne'", StringComparison.Ordinal));
        // The whole line: "cycle", "next" and the like hold an x and a y whatever steps the message names.
        Assert.Contains("cycle: x → y → x; each step depends on the next, so none of them can start", ex.Problems);
        Assert.Contains(ex.Problems, p => p.StartsWith("steps[styled].input.output_format", StringComparison.Ordinal) && p.Contains("\"gif\"", StringComparison.Ordinal));
        Assert.Empty(Api.Creates);
        Assert.Empty(_harness.Store.List());
    }

    [Fact]
    public async Task StartAsync_WithoutToken_RefusesNamingTheVariable()
    {
        await using var harness = new ExecCoreHarness(withToken: false);

        var ex = await Assert.ThrowsAsync<JobStartException>(() => harness.Starter.StartAsync(Batch(1, Item("acme/flux")), CT));

        Assert.Contains("REPLICATE_API_TOKEN", Assert.Single(ex.Problems));
        Assert.Empty(harness.Api.Creates);
        Assert.Empty(harness.Api.ModelLookups);
    }
}
