using System.Text.RegularExpressions;

namespace ReplicateMcp.Status;

/// <summary>The end of a prediction's logs as a model should read it: progress-bar redraws collapsed, at most 20 lines.</summary>
internal static partial class ReadableLogs
{
    public const int MaxLines = 20;
    public const int MaxLineLength = 300;

    public static string? Tail(string? logs)
    {
        if (string.IsNullOrWhiteSpace(logs)) return null;
        // A tail cut by PredictionOutputs.LogsTail starts with "…" and part of a line: only whole lines are worth reading.
        if (logs.StartsWith('…') && logs.IndexOf('\n', StringComparison.Ordinal) is var firstBreak and >= 0 && firstBreak < logs.TrimEnd().Length)
            logs = logs[(firstBreak + 1)..];
        var lines = new List<string>();
        string? barLabel = null;
        foreach (var raw in logs.Split('\n'))
        {
            // tqdm redraws its bar in place with \r: what a terminal shows is the text after the last one.
            var line = LastRedraw(raw).TrimEnd();
            if (line.Length == 0) continue;
            var label = BarLabel(line);
            // Consecutive redraws of the same bar written as separate lines: keep the latest.
            if (label is not null && label == barLabel) lines[^1] = line;
            else lines.Add(line);
            barLabel = label;
        }
        if (lines.Count == 0) return null;
        return string.Join('\n', lines.TakeLast(MaxLines).Select(Shorten));
    }

    private static string LastRedraw(string line)
    {
        var trimmed = line.TrimEnd('\r');
        var cut = trimmed.LastIndexOf('\r');
        return cut < 0 ? trimmed : trimmed[(cut + 1)..];
    }

    /// <summary>The text before a progress bar's percentage ("Sampling: " in "Sampling:  45%|████▌ | 9/20"), or null for other lines.</summary>
    private static string? BarLabel(string line)
    {
        var match = ProgressBar().Match(line);
        return match.Success ? match.Groups["label"].Value.Trim() : null;
    }

    private static string Shorten(string line) => line.Length <= MaxLineLength ? line : string.Concat(line.AsSpan(0, MaxLineLength), "…");

    [GeneratedRegex(@"^(?<label>.*?)\s*\d{1,3}%\s*\|")]
    private static partial Regex ProgressBar();
}
