using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>The pure changes a run makes to a job, and the job status derived from its items.</summary>
public sealed class JobTransitionsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);

    private static Job Batch(int items) => JobTestData.Batch(T0, items);

    private static PredictionOutcome Succeeded(string id) =>
        new(OutcomeStatus.Succeeded, new PredictionResult { PredictionId = id, Status = "succeeded" }, null);

    [Fact]
    public void ItemStarted_Queued_BecomesRunningWithSentInput()
    {
        var sent = JobTestData.Json("""{"prompt": "sent"}""");

        var item = Batch(1).ItemStarted(0, T1, sent).Items[0];

        Assert.Equal(ItemStatus.Running, item.Status);
        Assert.Equal(T1, item.StartedAt);
        Assert.Equal("sent", item.SentInput!.Value.GetProperty("prompt").GetString());
    }

    [Fact]
    public void ItemStarted_AlreadyCanceled_StaysCanceled()
    {
        var job = JobTestData.WithStatus(Batch(1), 0, ItemStatus.Canceled);

        Assert.Same(job, job.ItemStarted(0, T1, JobTestData.Json("{}")));
    }

    [Fact]
    public void ItemFinished_Succeeded_KeepsResultAndPredictionIdAndClearsError()
    {
        var job = Batch(1).WithItem(0, i => i with { Status = ItemStatus.Running, Error = "old" });

        var item = job.ItemFinished(0, Succeeded("p1"), T1).Items[0];

        Assert.Equal(ItemStatus.Succeeded, item.Status);
        Assert.Equal("p1", item.PredictionId);
        Assert.Null(item.Error);
        Assert.Equal(T1, item.CompletedAt);
    }

    [Fact]
    public void ItemFinished_CanceledByUserThenPredictionFailed_StaysCanceledWithItsCancelTime()
    {
        var job = Batch(1).CanceledByUserAt(T0);

        var item = job.ItemFinished(0, PredictionOutcome.Failed("boom"), T1).Items[0];

        Assert.Equal(ItemStatus.Canceled, item.Status);
        Assert.Equal(T0, item.CompletedAt);
    }

    [Fact]
    public void ItemFinished_CanceledByUserButPredictionHadSucceeded_ReportsSucceeded()
    {
        var item = Batch(1).CanceledByUserAt(T0).ItemFinished(0, Succeeded("p1"), T1).Items[0];

        Assert.Equal(ItemStatus.Succeeded, item.Status);
    }

    [Fact]
    public void ItemFailed_KeepsTheKnownPredictionIdAndTheGivenError()
    {
        var item = Batch(1).ItemFailed(0, Succeeded("p9"), "could not be saved", T1).Items[0];

        Assert.Equal(ItemStatus.Failed, item.Status);
        Assert.Equal("p9", item.PredictionId);
        Assert.Equal("could not be saved", item.Error);
    }

    [Fact]
    public void ItemsSkipped_OnlyUnfinishedItemsTakeTheReason()
    {
        var job = JobTestData.WithStatus(Batch(2), 0, ItemStatus.Succeeded);

        var skipped = job.ItemsSkipped([(0, "r0"), (1, "r1")], T1);

        Assert.Equal(ItemStatus.Succeeded, skipped.Items[0].Status);
        Assert.Null(skipped.Items[0].SkipReason);
        Assert.Equal(ItemStatus.Skipped, skipped.Items[1].Status);
        Assert.Equal("r1", skipped.Items[1].SkipReason);
    }

    [Fact]
    public void CanceledByUserAt_RunningAndQueuedItems_EachSaysWhereItWas()
    {
        var job = JobTestData.WithStatus(JobTestData.WithStatus(Batch(3), 0, ItemStatus.Succeeded), 1, ItemStatus.Running);

        var canceled = job.CanceledByUserAt(T1);

        Assert.Equal(ItemStatus.Succeeded, canceled.Items[0].Status);
        Assert.Equal(JobTransitions.CanceledWhileRunning, canceled.Items[1].Error);
        Assert.Equal(JobTransitions.CanceledBeforeStart, canceled.Items[2].Error);
        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.Equal(T1, canceled.CompletedAt);
    }

    [Fact]
    public void CanceledByUserAt_FinishedJob_Unchanged()
    {
        var done = JobTestData.Finish(Batch(1), T0);

        Assert.Same(done, done.CanceledByUserAt(T1));
    }

    [Fact]
    public void Completed_KeepsAnEarlierCompletionTimeAndCancelsItemsLeftOpen()
    {
        var job = Batch(2).CanceledByUserAt(T0) with { Items = Batch(2).Items };

        var completed = job.Completed(T1);

        Assert.Equal(T0, completed.CompletedAt);
        Assert.All(completed.Items, i => Assert.Equal(ItemStatus.Canceled, i.Status));
    }

    [Fact]
    public void FailedRemaining_OpenItemsFailWithTheErrorAndTheJobEnds()
    {
        var job = JobTestData.WithStatus(Batch(2), 0, ItemStatus.Succeeded);

        var failed = job.FailedRemaining(T1, "Internal error: x");

        Assert.Equal(ItemStatus.Failed, failed.Items[1].Status);
        Assert.Equal("Internal error: x", failed.Items[1].Error);
        Assert.True(failed.IsFinished);
        Assert.Equal(JobStatus.Partial, failed.Status);
    }

    [Theory]
    [InlineData("Succeeded,Running", "Running")]
    [InlineData("Succeeded,Succeeded", "Succeeded")]
    [InlineData("Succeeded,Skipped", "Partial")]
    [InlineData("Failed,TimedOut", "Failed")]
    public void Status_DerivedFromItems(string items, string expected)
    {
        var statuses = items.Split(',').Select(Enum.Parse<ItemStatus>).ToArray();
        var job = Batch(statuses.Length);
        for (var i = 0; i < statuses.Length; i++) job = JobTestData.WithStatus(job, i, statuses[i]);

        Assert.Equal(Enum.Parse<JobStatus>(expected), job.Status);
    }
}
