using System.Globalization;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>Maps job snapshots to the status shapes tools and the <c>run</c> command show; results are leaned (<see cref="LeanResult"/>).</summary>
internal static class JobViews
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

    public static string Status(Job job) => job.Status.ToWire();

    public static BatchStatusView Batch(Job job) => new(
        job.Id, "batch", Status(job), job.Items.Length, job.Count(ItemStatus.Queued), job.Count(ItemStatus.Running),
        job.Count(ItemStatus.Succeeded), job.Count(ItemStatus.Failed), job.Count(ItemStatus.TimedOut), job.Count(ItemStatus.Canceled),
        Time(job.CreatedAt), Time(job.CompletedAt), Time(job.ExpiresAt), job.Note,
        [.. job.Items.Select(i => new BatchItemView(i.Index, i.Model, i.Status.ToWire(), i.PredictionId, Time(i.StartedAt), Time(i.CompletedAt), Result(i), i.Error))]);

    public static PipelineStatusView Pipeline(Job job) => new(
        job.Id, "pipeline", Status(job), job.Items.Length, job.Count(ItemStatus.Queued), job.Count(ItemStatus.Running),
        job.Count(ItemStatus.Succeeded), job.Count(ItemStatus.Failed), job.Count(ItemStatus.TimedOut), job.Count(ItemStatus.Canceled), job.Count(ItemStatus.Skipped),
        Time(job.CreatedAt), Time(job.CompletedAt), Time(job.ExpiresAt), job.Note,
        [.. job.Items.Select(i => new PipelineStepView(i.StepId ?? "", i.Model, i.Status.ToWire(), [.. i.DependsOn.Order(StringComparer.Ordinal)],
            i.PredictionId, i.SentInput, Time(i.StartedAt), Time(i.CompletedAt), Result(i), i.Error, i.SkipReason))]);

    /// <summary>
    /// The item's result as statuses show it, with its earlier attempts; an item that runs again shows them before its
    /// new prediction has a result (status <c>starting</c>).
    /// </summary>
    public static PredictionResult? Result(JobItem item)
    {
        var result = LeanResult.Of(item.Result, item.PredictionId);
        if (result is null && item.Attempts.IsEmpty) return null;
        var attempts = item.Attempts.Select(a => new PredictionAttempt(a.PredictionId, a.Status.ToWire(), a.Error)).ToList();
        var placeholder = item.Status is ItemStatus.Queued or ItemStatus.Running ? "starting" : item.Status.ToWire();
        return (result ?? new PredictionResult { Status = placeholder }) with { Attempts = attempts };
    }

    public static JobSummaryView Summary(Job job) => new(
        job.Id, job.Kind == JobKind.Batch ? "batch" : "pipeline", Status(job), job.Items.Length,
        job.Count(ItemStatus.Succeeded), job.Count(ItemStatus.Failed), Time(job.CreatedAt), Time(job.CompletedAt), Time(job.ExpiresAt));

    /// <summary>One line a person (or a model skimming) can read, e.g. "Batch x succeeded: 50/50 finished (50 succeeded).".</summary>
    public static string Headline(Job job)
    {
        var finished = job.Items.Count(i => i.Status.IsTerminal());
        var parts = new[] { ItemStatus.Succeeded, ItemStatus.Failed, ItemStatus.TimedOut, ItemStatus.Canceled, ItemStatus.Skipped, ItemStatus.Running, ItemStatus.Queued }
            .Select(s => (s, n: job.Count(s))).Where(x => x.n > 0).Select(x => $"{x.n} {x.s.ToWire()}");
        var kind = job.Kind == JobKind.Batch ? "Batch" : "Pipeline";
        var outcome = job.Status switch
        {
            JobStatus.Running => "is running",
            JobStatus.Succeeded => "succeeded",
            JobStatus.Failed => "failed",
            JobStatus.Partial => "partly succeeded",
            _ => "was canceled",
        };
        return $"{kind} {job.Id} {outcome}: {finished}/{job.Items.Length} finished ({string.Join(", ", parts)}).";
    }
}
