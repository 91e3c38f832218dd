namespace ReplicateMcp.Benchmarks;

internal static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest-rank percentile (p in 0–1); the median of an even count is the mean of the middle two.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        if (p == 0.5 && sorted.Length % 2 == 0) return (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static string Runs(IEnumerable<double> values, string format) =>
        string.Join(", ", values.Select(v => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>One row of the results table.</summary>
internal sealed record Figure(string Scenario, string Metric, string Value, string Target, bool? Met, string Runs);
