using System.Text.Json;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Jobs;

/// <summary>
/// Every change a run makes to a job, as pure functions from one snapshot to the next: no clock, no I/O, so
/// the store can retry them under contention and tests can call them directly. The job's status is derived
/// from its items (<see cref="Job.Status"/>), never stored.
/// </summary>
internal static class JobTransitions
{
    public const string CanceledWhileRunning = "Canceled by the user; the prediction is being cancelled on Replicate.";
    public const string CanceledBeforeStart = "Canceled by the user before it started.";

    /// <summary>A queued item got its slot and is sent with <paramref name="sentInput"/>; anything else stays as it is.</summary>
    public static Job ItemStarted(this Job job, int index, DateTimeOffset now, JsonElement sentInput) =>
        job.Items[index].Status != ItemStatus.Queued ? job
            : job.WithItem(index, i => i with { Status = ItemStatus.Running, StartedAt = now, SentInput = sentInput });

    /// <summary>A create is about to be sent; a new send replaces an earlier one that never reached Replicate.</summary>
    public static Job ItemSent(this Job job, int index, SentCreate sent) =>
        job.WithItem(index, i => i with { Sent = sent });

    public static Job ItemCreated(this Job job, int index, string predictionId) =>
        job.WithItem(index, i => i with { PredictionId = predictionId });

    /// <summary>Records how an item's prediction ended.</summary>
    public static Job ItemFinished(this Job job, int index, PredictionOutcome outcome, DateTimeOffset now) => job.WithItem(index, item =>
    {
        // Cancelled by the user while running: keep "canceled" unless the prediction had in fact succeeded.
        var canceledEarlier = item.Status == ItemStatus.Canceled;
        var status = canceledEarlier && outcome.Status != OutcomeStatus.Succeeded ? ItemStatus.Canceled : outcome.Status.ToItemStatus();
        return item with
        {
            Status = status,
            Result = outcome.Result ?? item.Result,
            PredictionId = outcome.Result?.PredictionId ?? item.PredictionId,
            Error = status == ItemStatus.Succeeded ? null : outcome.Error ?? item.Error,
            CompletedAt = canceledEarlier && status == ItemStatus.Canceled ? item.CompletedAt : now,
        };
    });

    /// <summary>An item whose outcome could not be saved is reported failed with <paramref name="error"/>, keeping what is known.</summary>
    public static Job ItemFailed(this Job job, int index, PredictionOutcome? outcome, string error, DateTimeOffset now) => job.WithItem(index, i => i with
    {
        Status = ItemStatus.Failed,
        Result = outcome?.Result ?? i.Result,
        PredictionId = outcome?.Result?.PredictionId ?? i.PredictionId,
        Error = error,
        CompletedAt = now,
    });

    /// <summary>Marks unfinished items skipped, each with why; finished ones keep their end.</summary>
    public static Job ItemsSkipped(this Job job, IReadOnlyList<(int Index, string Reason)> skipped, DateTimeOffset now)
    {
        foreach (var (index, reason) in skipped)
            if (!job.Items[index].Status.IsTerminal())
                job = job.WithItem(index, i => i with { Status = ItemStatus.Skipped, SkipReason = reason, CompletedAt = now });
        return job;
    }

    /// <summary>The user's cancel: every unfinished item is canceled at once; a finished job is left as it is.</summary>
    public static Job CanceledByUserAt(this Job job, DateTimeOffset now) => job.IsFinished ? job : job with
    {
        CanceledByUser = true,
        CompletedAt = now,
        Items = [.. job.Items.Select(i => i.Status.IsTerminal() ? i : i with
        {
            Status = ItemStatus.Canceled,
            CompletedAt = now,
            Error = i.Status == ItemStatus.Running ? CanceledWhileRunning : CanceledBeforeStart,
        })],
    };

    /// <summary>
    /// The run has ended: items still open are ones a user cancel stopped before they ran, or ones a retry queued
    /// again meanwhile — those are left for the next run (<see cref="Execution.JobRegistry"/>) and the job stays running.
    /// </summary>
    public static Job Completed(this Job job, DateTimeOffset now)
    {
        if (!job.CanceledByUser && job.Items.Any(i => i.Status == ItemStatus.Queued)) return job;
        if (job.Items.Any(i => !i.Status.IsTerminal()))
            job = job with { Items = [.. job.Items.Select(i => i.Status.IsTerminal() ? i : i with { Status = ItemStatus.Canceled, CompletedAt = now })] };
        return job.CompletedAt is null ? job with { CompletedAt = now } : job;
    }

    /// <summary>The run itself broke: every open item fails with <paramref name="error"/> and the job ends.</summary>
    public static Job FailedRemaining(this Job job, DateTimeOffset now, string error) => (job with
    {
        Items = [.. job.Items.Select(i => i.Status.IsTerminal() ? i : i with { Status = ItemStatus.Failed, Error = error, CompletedAt = now })],
    }).Completed(now);
}
