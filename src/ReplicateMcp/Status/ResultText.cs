using System.Text;
using System.Text.Json;
using ReplicateMcp.Predictions;
using ReplicateMcp.Templates;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Status;

/// <summary>The parts of a prediction result a reader needs, as short phrases: its files, its text, its output, a failed download.</summary>
internal static class ResultText
{
    /// <summary>
    /// Phrases for <paramref name="result"/>: files (local paths through <paramref name="showPath"/>, else URLs),
    /// text output cut to <paramref name="textChars"/>, and the output when it says more than those (leaned results only).
    /// </summary>
    public static IEnumerable<string> Parts(PredictionResult result, Func<string, string> showPath, int textChars)
    {
        if (result.LocalPaths.Count > 0) yield return string.Join(", ", result.LocalPaths.Select(showPath));
        else if (result.Urls.Count > 0) yield return string.Join(", ", result.Urls);
        if (result.TextOutput is [var text, ..]) yield return "text " + DisplayText.Quote(text, textChars);
        if (result.Output is { } output && !LeanResult.IsRedundant(result)) yield return "output " + DisplayText.Truncate(Compact(output), textChars);
        if (result.DownloadError is { } downloadError) yield return "download failed: " + downloadError;
    }

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            element.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
