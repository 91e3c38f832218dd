using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>What a retry selects and leaves behind (pure), and that job files of every format load (CONTRACT §10).</summary>
public sealed class JobRetriesTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>a → b → c, and d on its own: a succeeded, b failed, c skipped, d timed out.</summary>
    private static Job Pipeline() =>
        JobTestData.WithStatus(JobTestData.WithStatus(JobTestData.WithStatus(JobTestData.WithStatus(
            JobTestData.Pipeline(("a", []), ("b", ["a"]), ("c", ["b"]), ("d", [])), 0, ItemStatus.Succeeded), 1, ItemStatus.Failed), 2, ItemStatus.Skipped), 3, ItemStatus.TimedOut)
        with { CompletedAt = Now };

    [Fact]
    public void Select_Nothing_NamedTakesEveryUnsucceededAndTheSkippedDescendants()
    {
        var selection = JobRetries.Select(Pipeline(), named: null);

        Assert.Empty(selection.Problems);
        Assert.Equal([1, 2, 3], selection.Indices);
    }

    [Fact]
    public void Select_OneFailedStep_BringsItsSkippedDescendantOnly()
    {
        Assert.Equal([1, 2], JobRetries.Select(Pipeline(), ["b"]).Indices);
        Assert.Equal([3], JobRetries.Select(Pipeline(), ["d", "d"]).Indices);
    }

    [Fact]
    public void Select_AllSucceeded_SaysNothingToRetry()
    {
        var job = JobTestData.Finish(JobTestData.Batch(Now, items: 2), Now);

        var selection = JobRetries.Select(job, named: null);

        Assert.Empty(selection.Indices);
        Assert.Contains("Nothing to retry: every item", Assert.Single(selection.Problems));
    }

    [Fact]
    public void Retried_KeepsTheEndAsAnAttemptAndQueuesAfresh_JobRunsAgainUnderTheNewOwner()
    {
        var job = Pipeline() with { OwnerId = "1-1", Version = 2, CanceledByUser = true };
        job = job.WithItem(1, i => i with { PredictionId = "p1", Error = "boom", StartedAt = Now, CompletedAt = Now });

        var retried = job.Retried([1, 2], expiredOutputs: [0], ownerId: "2-2");

        Assert.Equal(JobStatus.Running, retried.Status);
        Assert.Null(retried.CompletedAt);
        Assert.False(retried.CanceledByUser);
        Assert.Equal(("2-2", Job.FormatVersion), (retried.OwnerId, retried.Version));
        Assert.True(retried.Items[0].OutputsExpired);
        var b = retried.Items[1];
        Assert.Equal((ItemStatus.Queued, null, null, null, null), (b.Status, b.PredictionId, b.Error, b.StartedAt, b.CompletedAt));
        Assert.Equal(new ItemAttempt("p1", ItemStatus.Failed, "boom"), Assert.Single(b.Attempts));
        Assert.Equal(ItemStatus.Skipped, Assert.Single(retried.Items[2].Attempts).Status);
        Assert.Equal(ItemStatus.TimedOut, retried.Items[3].Status);
    }

    [Fact]
    public void Completed_ItemsQueuedByARetry_StayQueuedAndTheJobRunning()
    {
        var job = JobTestData.Batch(Now, items: 2).WithItem(0, i => i with { Status = ItemStatus.Succeeded });

        var completed = job.Completed(Now);

        Assert.Same(job, completed);
        Assert.Equal(JobStatus.Running, completed.Status);
        Assert.Equal(ItemStatus.Canceled, (job with { CanceledByUser = true }).Completed(Now).Items[1].Status);
    }

    [Fact]
    public void LoadAll_Format2FileWithoutAttempts_LoadsWithNoneAndFormat3RoundTrips()
    {
        var state = Directory.CreateTempSubdirectory("replicate-mcp-retry-").FullName;
        try
        {
            var time = new FakeTimeProvider(Now);
            var persistence = new JsonFileJobPersistence(state, TimeSpan.Zero, time, NullLogger<JsonFileJobPersistence>.Instance);
            var old = JobTestData.Batch(Now) with { Version = 2 };
            var oldJson = JsonSerializer.SerializeToNode(old, JobsJsonContext.Default.Job)!.AsObject();
            foreach (var item in oldJson["items"]!.AsArray()) { item!.AsObject().Remove("attempts"); item.AsObject().Remove("outputs_expired"); }
            File.WriteAllText(Path.Combine(state, "jobs", old.Id + ".json"), oldJson.ToJsonString());
            var retried = JobTestData.Pipeline(("a", [])).WithItem(0, i => i with { Status = ItemStatus.Failed }).Retried([0], [], "1-1");
            File.WriteAllText(Path.Combine(state, "jobs", retried.Id + ".json"), JsonSerializer.Serialize(retried, JobsJsonContext.Default.Job));

            var loaded = persistence.LoadAll().ToDictionary(j => j.Id);

            Assert.Empty(Assert.Single(loaded[old.Id].Items).Attempts);
            Assert.Equal(2, loaded[old.Id].Version);
            Assert.Equal(ItemStatus.Failed, Assert.Single(loaded[retried.Id].Items[0].Attempts).Status);
            Assert.Equal(3, loaded[retried.Id].Version);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
