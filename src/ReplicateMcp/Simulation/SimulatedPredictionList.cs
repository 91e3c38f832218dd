using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>
/// <c>GET /predictions</c> as Replicate answers it: newest first, 100 a page, <c>created_after</c> (at or after) and
/// <c>created_before</c> (before) filters, and a <c>next</c> link that carries the filters and a keyset cursor, so
/// predictions created while a client pages never shift an older one out of view.
/// </summary>
internal static class SimulatedPredictionList
{
    public const int PageSize = 100;

    public static HttpResponseMessage Respond(HttpRequestMessage request, Uri uri, IEnumerable<SimulatedPrediction> predictions, DateTimeOffset now, SimulatorOptions options)
    {
        if (!TryReadTime(uri, "created_after", out var after, out var afterText)
            || !TryReadTime(uri, "created_before", out var before, out var beforeText)
            || !TryReadCursor(uri, out var cursor))
        {
            return SimulatorJson.Problem(request, HttpStatusCode.BadRequest, "Invalid query",
                "created_after and created_before must be ISO 8601 date-times; cursor must come from a next link.");
        }

        var page = predictions
            .Where(p => (after is null || p.CreatedAt >= after) && (before is null || p.CreatedAt < before))
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id, StringComparer.Ordinal)
            .Where(p => cursor is not { } c || IsOlder(p, c))
            .Take(PageSize + 1)
            .ToList();

        string? next = null;
        if (page.Count > PageSize)
        {
            page.RemoveAt(PageSize);
            var last = page[^1];
            var query = new List<string>();
            if (afterText is not null) query.Add("created_after=" + Uri.EscapeDataString(afterText));
            if (beforeText is not null) query.Add("created_before=" + Uri.EscapeDataString(beforeText));
            query.Add("cursor=" + Uri.EscapeDataString($"{last.CreatedAt.UtcTicks}-{last.Id}"));
            next = new Uri(options.BaseUrl, "predictions?" + string.Join('&', query)).AbsoluteUri;
        }

        return SimulatorJson.Respond(request, HttpStatusCode.OK, new JsonObject
        {
            ["next"] = next,
            ["previous"] = null,
            ["results"] = new JsonArray([.. page.Select(p => (JsonNode?)PredictionJson.Render(p, now, options))]),
        });
    }

    private static bool IsOlder(SimulatedPrediction prediction, (long Ticks, string Id) cursor) =>
        prediction.CreatedAt.UtcTicks < cursor.Ticks
        || (prediction.CreatedAt.UtcTicks == cursor.Ticks && string.CompareOrdinal(prediction.Id, cursor.Id) < 0);

    private static bool TryReadTime(Uri uri, string name, out DateTimeOffset? time, out string? text)
    {
        time = null;
        text = SimulatedRequest.Query(uri, name);
        if (text is null) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        time = parsed;
        return true;
    }

    private static bool TryReadCursor(Uri uri, out (long Ticks, string Id)? cursor)
    {
        cursor = null;
        if (SimulatedRequest.Query(uri, "cursor") is not { } text) return true;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return false;
        cursor = (ticks, text[(dash + 1)..]);
        return true;
    }
}
