using System.Collections.Immutable;
using System.Text.Json;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>Small jobs for store, persistence and graph tests.</summary>
internal static class JobTestData
{
    private static int s_counter;

    /// <summary>A valid, unique job id (the alphabet has no 0, 1, l or o).</summary>
    public static string NewId(JobKind kind = JobKind.Batch) => JobIds.New(kind);

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static Job Batch(DateTimeOffset createdAt, int items = 1, string? id = null, int ttlHours = 1) => new()
    {
        Id = id ?? NewId(),
        Kind = JobKind.Batch,
        CreatedAt = createdAt,
        Settings = new JobSettings(3, true, 300_000, ttlHours, true),
        Note = $"job {Interlocked.Increment(ref s_counter)}",
        Items = [.. Enumerable.Range(0, items).Select(i => new JobItem { Index = i, Model = "owner/model", Input = Json("""{"prompt": "x"}""") })],
    };

    /// <summary>A pipeline of (id, depends_on) steps, all queued.</summary>
    public static Job Pipeline(params (string Id, string[] DependsOn)[] steps) => new()
    {
        Id = NewId(JobKind.Pipeline),
        Kind = JobKind.Pipeline,
        Items = [.. steps.Select((s, i) => new JobItem
        {
            Index = i,
            StepId = s.Id,
            Model = "owner/model",
            Input = Json("{}"),
            DependsOn = [.. s.DependsOn],
        })],
    };

    /// <summary>Every item succeeded, completed at <paramref name="completedAt"/>.</summary>
    public static Job Finish(Job job, DateTimeOffset completedAt) => job with
    {
        CompletedAt = completedAt,
        Items = [.. job.Items.Select(i => i with { Status = ItemStatus.Succeeded, CompletedAt = completedAt })],
    };

    public static Job WithStatus(Job job, int index, ItemStatus status) => job.WithItem(index, i => i with { Status = status });

    public static ImmutableArray<string> Deps(params string[] ids) => [.. ids];
}
