using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Jobs.Execution;

/// <summary>The creates the job store shows sent and never answered: of this process's jobs and of every other job it has read.</summary>
internal sealed class StoredSentCreates(IJobStore store) : IRecordedSentCreates
{
    public IEnumerable<SentCreate> Unanswered() =>
        store.List()
            .Where(job => !job.IsFinished)
            .SelectMany(job => job.Items)
            .Where(item => item is { Status: ItemStatus.Running, PredictionId: null, Sent: not null })
            .Select(item => item.Sent!);
}
