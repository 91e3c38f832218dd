using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>One prediction (<c>replicate_get_prediction</c>) as text: status, files, text, output, error, and the readable end of its logs.</summary>
internal static class PredictionSummary
{
    /// <summary>One prediction is asked for on purpose: its text is shown at more length than in a job status.</summary>
    public const int TextChars = 2000;

    public static string Of(PredictionResult result)
    {
        var head = $"Prediction {result.PredictionId} {result.Status}" +
            (result.Pending ? " (not finished on Replicate: call again later for its outcome)." : ".");
        var lines = new List<string> { head };
        lines.AddRange(ResultText.Parts(result, path => path, TextChars));
        if (result.Error is { } error) lines.Add("error: " + error);
        if (result.Status != "succeeded" && ReadableLogs.Tail(result.LogsTail) is { } logs) lines.Add("logs (end):\n" + logs);
        return string.Join('\n', lines);
    }
}
