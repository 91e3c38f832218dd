using System.Globalization;
using System.Text.Json;

namespace ReplicateMcp.Simulation;

/// <summary>Parsing of the parts of a request the simulator looks at.</summary>
internal static class SimulatedRequest
{
    /// <summary>Longest hold Replicate grants for <c>Prefer: wait</c>.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>The hold asked for with <c>Prefer: wait</c> or <c>Prefer: wait=n</c> (n seconds, at most 60); null when absent.</summary>
    public static TimeSpan? PreferWait(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("Prefer", out var values))
        {
            return null;
        }

        foreach (var preference in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = preference.Split('=', 2, StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("wait", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (parts.Length == 1)
            {
                return MaxWait;
            }

            return int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, (int)MaxWait.TotalSeconds))
                : MaxWait;
        }

        return null;
    }

    /// <summary>The request body as a JSON object, or null when it is missing or not an object.</summary>
    public static async Task<JsonElement?> ReadObjectAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return null;
        }

        var text = await request.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One query-string parameter, decoded; null when absent.</summary>
    public static string? Query(Uri uri, string name)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Decode(parts[0]) == name)
            {
                return parts.Length == 2 ? Decode(parts[1]) : "";
            }
        }

        return null;
    }

    /// <summary>A string property of a JSON object; null when absent or not a string.</summary>
    public static string? ReadString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An integer property of a JSON object; null when absent or not an integer.</summary>
    public static int? ReadInt(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    /// <summary>Whether <paramref name="text"/> has the shape of a version id: 64 hex digits.</summary>
    public static bool IsVersionId(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigit);

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
