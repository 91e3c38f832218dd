using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// At recovery, finds on Replicate the predictions of creates that were recorded as sent but whose answers never came
/// (a quit, a kill, a create held open by <c>Prefer: wait</c>): one list from the earliest send, every page, matched by
/// model, input and time (CONTRACT §5, §6). A create that matches nothing never reached Replicate and may be sent again.
/// </summary>
internal sealed class SentCreateFinder(IReplicateClient client, HeldCreateFinder heldCreateFinder) : IDisposable
{
    // One at a time across the process: two jobs with identical creates must never take the same prediction.
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <param name="sent">Creates without a known prediction id.</param>
    /// <param name="taken">Ids that already belong to an item of any job, read once the turn has come.</param>
    /// <param name="record">Saves the matches (durably) before the next finder may run.</param>
    public async Task<IReadOnlyList<(SentCreate Sent, Prediction Prediction)>> FindAsync(
        IReadOnlyList<SentCreate> sent, Func<IReadOnlySet<string>> taken, Func<IReadOnlyList<(SentCreate Sent, Prediction Prediction)>, Task> record,
        CancellationToken cancellationToken)
    {
        if (sent.Count == 0) return [];
        await _one.WaitAsync(cancellationToken);
        try
        {
            var after = sent.Min(s => s.SentAt) - ReplicateClock.ListMargin;
            var listed = new List<Prediction>();
            string? cursor = null;
            do
            {
                var page = await client.ListPredictionsAsync(after, null, cursor, cancellationToken);
                listed.AddRange(page.Results);
                cursor = page.Next;
            }
            while (cursor is not null);

            var matches = SentCreateMatcher.Match(sent, listed, taken());
            foreach (var (_, prediction) in matches) heldCreateFinder.MarkKnown(prediction.Id);
            await record(matches);
            return matches;
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();
}
