using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// Pairs creates whose answers never came with the predictions Replicate lists. Identical creates (same model and
/// input) are interchangeable, so they are matched by count: N identical sends take N distinct predictions, each
/// created no earlier than its send. Used by the tracker (a create still held open) and by recovery (after a restart).
/// </summary>
internal static class SentCreateMatcher
{
    /// <param name="sent">Creates without a known prediction id.</param>
    /// <param name="listed">Predictions from <c>GET /predictions</c> since the earliest send (any order).</param>
    /// <param name="taken">Ids that already belong to an item or to another create; never matched again.</param>
    public static IReadOnlyList<(SentCreate Sent, Prediction Prediction)> Match(
        IEnumerable<SentCreate> sent, IEnumerable<Prediction> listed, IReadOnlySet<string> taken)
    {
        var candidates = listed
            .Where(p => p.CreatedAt is not null && !taken.Contains(p.Id))
            .DistinctBy(p => p.Id)
            .Select(p => (Prediction: p, Key: SentCreate.KeyOf(p)))
            .Where(c => c.Key is not null)
            .OrderBy(c => c.Prediction.CreatedAt)
            .ToList();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var matches = new List<(SentCreate, Prediction)>();

        // Earliest send first, each taking the earliest prediction it could be: a send never takes a prediction that
        // a later identical send could not have made, so as many sends as possible find theirs.
        foreach (var create in sent.OrderBy(s => s.SentAt))
        {
            var key = (create.Model, create.InputDigest);
            var prediction = candidates.FirstOrDefault(c => c.Key == key && c.Prediction.CreatedAt >= create.SentAt && !used.Contains(c.Prediction.Id)).Prediction;
            if (prediction is null)
                continue;
            used.Add(prediction.Id);
            matches.Add((create, prediction));
        }
        return matches;
    }
}
