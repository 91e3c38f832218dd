using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Tests.Jobs;

namespace ReplicateMcp.Tests.Pipelines;

public sealed class StepGraphTests
{
    private static (string, string[]) S(string id, params string[] dependsOn) => (id, dependsOn);

    // a → b, a → c, b → d, c → d; e is independent.
    private static Job Diamond() => JobTestData.Pipeline(S("a"), S("b", "a"), S("c", "a"), S("d", "b", "c"), S("e"));

    [Fact]
    public void InitiallyReady_Pipeline_OnlyStepsWithoutDependencies()
    {
        var graph = JobSteps.Graph(Diamond());

        Assert.Equal([0, 4], graph.InitiallyReady());
        Assert.False(graph.AllDone);
    }

    [Fact]
    public void InitiallyReady_Batch_EveryItem()
    {
        var graph = JobSteps.Graph(JobTestData.Batch(DateTimeOffset.UnixEpoch, items: 3));

        Assert.Equal([0, 1, 2], graph.InitiallyReady());
    }

    [Fact]
    public void Finished_Diamond_ReleasesJoinOnlyAfterBothBranches()
    {
        var graph = JobSteps.Graph(Diamond());

        var afterA = graph.Finished(0, ItemStatus.Succeeded);
        Assert.Equal([1, 2], afterA.Ready.Order());
        Assert.Empty(afterA.Skipped);

        var afterB = graph.Finished(1, ItemStatus.Succeeded);
        Assert.Empty(afterB.Ready);

        var afterC = graph.Finished(2, ItemStatus.Succeeded);
        Assert.Equal([3], afterC.Ready);

        graph.Finished(3, ItemStatus.Succeeded);
        Assert.False(graph.AllDone);
        graph.Finished(4, ItemStatus.Succeeded);
        Assert.True(graph.AllDone);
    }

    [Theory]
    [InlineData(nameof(ItemStatus.Failed), "failed")]
    [InlineData(nameof(ItemStatus.TimedOut), "timed_out")]
    [InlineData(nameof(ItemStatus.Canceled), "canceled")]
    public void Finished_RootFails_SkipsAllTransitiveDependentsNamingTheFailedStep(string statusName, string wire)
    {
        var status = Enum.Parse<ItemStatus>(statusName);
        var graph = JobSteps.Graph(Diamond());

        var (ready, skipped) = graph.Finished(0, status);

        Assert.Empty(ready);
        Assert.Equal([1, 2, 3], skipped.Select(s => s.Index).Order());
        Assert.All(skipped, s => Assert.Equal($"depends on step 'a', which ended {wire}", s.Reason));
        Assert.False(graph.AllDone);
        Assert.Empty(graph.Finished(4, ItemStatus.Succeeded).Ready);
        Assert.True(graph.AllDone);
    }

    [Fact]
    public void Finished_OneBranchFails_JoinSkippedAndIndependentBranchStillReleased()
    {
        // a → b → d, a → c → d, plus x → y independent of all of them.
        var graph = JobSteps.Graph(JobTestData.Pipeline(S("a"), S("b", "a"), S("c", "a"), S("d", "b", "c"), S("x"), S("y", "x")));
        graph.Finished(0, ItemStatus.Succeeded);

        var (_, skipped) = graph.Finished(1, ItemStatus.Failed);

        var skip = Assert.Single(skipped);
        Assert.Equal(3, skip.Index);
        Assert.Contains("'b'", skip.Reason, StringComparison.Ordinal);
        Assert.Empty(graph.Finished(2, ItemStatus.Succeeded).Ready);
        Assert.Equal([5], graph.Finished(4, ItemStatus.Succeeded).Ready);
        Assert.False(graph.AllDone);
        graph.Finished(5, ItemStatus.Succeeded);
        Assert.True(graph.AllDone);
    }

    [Fact]
    public void Finished_SkippedStepReportedLater_IsIgnored()
    {
        var graph = JobSteps.Graph(Diamond());
        graph.Finished(0, ItemStatus.Failed);

        var (ready, skipped) = graph.Finished(3, ItemStatus.Succeeded);

        Assert.Empty(ready);
        Assert.Empty(skipped);
    }

    [Fact]
    public void InitiallyReady_ResumedJob_RunningItemsFirstThenUnblockedQueued()
    {
        // Resumed: a succeeded, c is running (holds a prediction), b queued and ready, d waits on c.
        var job = Diamond();
        job = JobTestData.WithStatus(job, 0, ItemStatus.Succeeded);
        job = JobTestData.WithStatus(job, 2, ItemStatus.Running);
        job = JobTestData.WithStatus(job, 4, ItemStatus.Running);

        var graph = JobSteps.Graph(job);

        Assert.Equal([2, 4, 1], graph.InitiallyReady());
        Assert.Empty(graph.Finished(1, ItemStatus.Succeeded).Ready);
        Assert.Equal([3], graph.Finished(2, ItemStatus.Succeeded).Ready);
    }

    [Fact]
    public void Constructor_ResumedAfterFailureBeforeSkipsWereSaved_SkipsStrandedDependents()
    {
        // The process died after saving b as failed but before saving the skips of d.
        var job = Diamond();
        job = JobTestData.WithStatus(job, 0, ItemStatus.Succeeded);
        job = JobTestData.WithStatus(job, 1, ItemStatus.Failed);
        job = JobTestData.WithStatus(job, 2, ItemStatus.Succeeded);

        var graph = JobSteps.Graph(job);

        var skip = Assert.Single(graph.InitiallySkipped);
        Assert.Equal((3, "depends on step 'b', which ended failed"), skip);
        Assert.Equal([4], graph.InitiallyReady());
        graph.Finished(4, ItemStatus.Succeeded);
        Assert.True(graph.AllDone);
    }

    [Fact]
    public void Constructor_FreshPipeline_SkipsNothing()
    {
        Assert.Empty(JobSteps.Graph(Diamond()).InitiallySkipped);
    }

    [Fact]
    public void AllDone_EveryItemAlreadyTerminal_True()
    {
        var job = JobTestData.Finish(Diamond(), DateTimeOffset.UnixEpoch);

        var graph = JobSteps.Graph(job);

        Assert.True(graph.AllDone);
        Assert.Empty(graph.InitiallyReady());
    }
}
