namespace ReplicateMcp.Schemas;

/// <summary>Finds the allowed name a misspelt one was most likely meant to be.</summary>
internal static class NameSuggestion
{
    /// <summary>Largest edit distance still offered as a suggestion.</summary>
    public const int MaxDistance = 2;

    /// <summary>The first candidate at the smallest distance ≤ <see cref="MaxDistance"/>, or null.</summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // Names whose lengths differ by more than the limit cannot be close; skipping them also keeps a
            // pathologically long input name from costing a length × length table per candidate.
            if (Math.Abs(candidate.Length - given.Length) > MaxDistance)
            {
                continue;
            }

            var distance = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // A distance as long as the name itself means every letter changed: that is a different word, not a typo.
        return bestDistance <= MaxDistance && bestDistance < given.Length ? best : null;
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus swapping two neighbouring letters as one edit.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
