using System.Globalization;
using System.Text.Json;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Mcp;

/// <summary>The answer of a start tool.</summary>
internal sealed record BatchStartView(string JobId, int Total, string Status, string Message);

internal sealed record PipelineStartView(string PipelineId, int Total, string Status, string Message);

/// <summary>Batch status (contract §3); every field is always present.</summary>
internal sealed record BatchStatusView(
    string JobId, string Kind, string Status, int Total, int Queued, int Running, int Succeeded, int Failed, int TimedOut, int Canceled,
    string CreatedAt, string? CompletedAt, string? ExpiresAt, string? Note, IReadOnlyList<BatchItemView> Items);

internal sealed record BatchItemView(
    int Index, string Model, string Status, string? PredictionId, string? StartedAt, string? CompletedAt, PredictionResult? Result, string? Error);

/// <summary>Pipeline status (contract §3).</summary>
internal sealed record PipelineStatusView(
    string PipelineId, string Kind, string Status, int Total, int Queued, int Running, int Succeeded, int Failed, int TimedOut, int Canceled, int Skipped,
    string CreatedAt, string? CompletedAt, string? ExpiresAt, string? Note, IReadOnlyList<PipelineStepView> Steps);

internal sealed record PipelineStepView(
    string Id, string Model, string Status, IReadOnlyList<string> DependsOn, string? PredictionId, JsonElement? Input,
    string? StartedAt, string? CompletedAt, PredictionResult? Result, string? Error, string? SkipReason);

internal sealed record JobListView(IReadOnlyList<JobSummaryView> Jobs);

internal sealed record JobSummaryView(
    string Id, string Kind, string Status, int Total, int Succeeded, int Failed, string CreatedAt, string? CompletedAt, string? ExpiresAt);

/// <summary>Maps job snapshots to the shapes tools return.</summary>
internal static class JobViews
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

    public static string Status(Job job) => job.Status switch
    {
        JobStatus.Running => "running",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        JobStatus.Partial => "partial",
        _ => "canceled",
    };

    public static BatchStatusView Batch(Job job) => new(
        job.Id, "batch", Status(job), job.Items.Length, job.Count(ItemStatus.Queued), job.Count(ItemStatus.Running),
        job.Count(ItemStatus.Succeeded), job.Count(ItemStatus.Failed), job.Count(ItemStatus.TimedOut), job.Count(ItemStatus.Canceled),
        Time(job.CreatedAt), Time(job.CompletedAt), Time(job.ExpiresAt), job.Note,
        [.. job.Items.Select(i => new BatchItemView(i.Index, i.Model, i.Status.ToWire(), i.PredictionId, Time(i.StartedAt), Time(i.CompletedAt), i.Result, i.Error))]);

    public static PipelineStatusView Pipeline(Job job) => new(
        job.Id, "pipeline", Status(job), job.Items.Length, job.Count(ItemStatus.Queued), job.Count(ItemStatus.Running),
        job.Count(ItemStatus.Succeeded), job.Count(ItemStatus.Failed), job.Count(ItemStatus.TimedOut), job.Count(ItemStatus.Canceled), job.Count(ItemStatus.Skipped),
        Time(job.CreatedAt), Time(job.CompletedAt), Time(job.ExpiresAt), job.Note,
        [.. job.Items.Select(i => new PipelineStepView(i.StepId ?? "", i.Model, i.Status.ToWire(), [.. i.DependsOn.Order(StringComparer.Ordinal)],
            i.PredictionId, i.SentInput, Time(i.StartedAt), Time(i.CompletedAt), i.Result, i.Error, i.SkipReason))]);

    public static JobSummaryView Summary(Job job) => new(
        job.Id, job.Kind == JobKind.Batch ? "batch" : "pipeline", Status(job), job.Items.Length,
        job.Count(ItemStatus.Succeeded), job.Count(ItemStatus.Failed), Time(job.CreatedAt), Time(job.CompletedAt), Time(job.ExpiresAt));

    /// <summary>One line a person (or a model skimming) can read.</summary>
    public static string Headline(Job job)
    {
        var finished = job.Items.Count(i => i.Status.IsTerminal());
        var parts = new[] { ItemStatus.Succeeded, ItemStatus.Failed, ItemStatus.TimedOut, ItemStatus.Canceled, ItemStatus.Skipped, ItemStatus.Running, ItemStatus.Queued }
            .Select(s => (s, n: job.Count(s))).Where(x => x.n > 0).Select(x => $"{x.n} {x.s.ToWire()}");
        var kind = job.Kind == JobKind.Batch ? "Batch" : "Pipeline";
        return $"{kind} {job.Id} is {Status(job)}: {finished}/{job.Items.Length} finished ({string.Join(", ", parts)}).";
    }
}
