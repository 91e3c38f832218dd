using System.Text;
using System.Text.Json;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>
/// The result as a status shows it (contract §3, lean answers): a status is read by a language model, so
/// <c>output</c> is null when <c>urls</c> or <c>text_output</c> already show exactly it, <c>logs_tail</c> is
/// null for a succeeded prediction and otherwise its last lines, progress bars collapsed, and
/// <c>prediction_id</c> is null when it is the item's own <c>prediction_id</c>, shown one level up. The stored
/// result keeps the raw values: templates read <c>$step.output</c>, and <c>replicate_get_prediction</c> shows them raw.
/// </summary>
internal static class LeanResult
{
    public static PredictionResult? Of(PredictionResult? result, string? itemPredictionId) => result is null ? null : result with
    {
        PredictionId = result.PredictionId == itemPredictionId ? null : result.PredictionId,
        Output = IsRedundant(result) ? null : result.Output,
        LogsTail = result.Status == "succeeded" ? null : ReadableLogs.Tail(result.LogsTail),
    };

    /// <summary>True when the output is a URL or a list of URLs equal to <c>urls</c>, or a string or list of string tokens equal to <c>text_output</c>.</summary>
    public static bool IsRedundant(PredictionResult result)
    {
        if (result.Output is not { } output) return false;
        switch (output.ValueKind)
        {
            case JsonValueKind.String:
                var text = output.GetString()!;
                return result.Urls is [var url] && url == text || result.TextOutput is [var whole] && whole == text;
            case JsonValueKind.Array when output.GetArrayLength() > 0 && output.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                var strings = output.EnumerateArray().Select(e => e.GetString()!).ToList();
                if (strings.SequenceEqual(result.Urls, StringComparer.Ordinal)) return true;
                var joined = new StringBuilder();
                foreach (var token in strings) joined.Append(token);
                return result.TextOutput is [var concatenated] && concatenated == joined.ToString();
            default:
                return false;
        }
    }
}
