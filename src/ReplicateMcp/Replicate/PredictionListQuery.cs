using System.Globalization;

namespace ReplicateMcp.Replicate;

/// <summary>The URLs of <c>GET /predictions</c> pages.</summary>
internal static class PredictionListQuery
{
    /// <summary>The first page of predictions created in [<paramref name="createdAfter"/>, <paramref name="createdBefore"/>).</summary>
    public static Uri First(DateTimeOffset createdAfter, DateTimeOffset? createdBefore)
    {
        var query = "predictions?created_after=" + Uri.EscapeDataString(Format(createdAfter));
        if (createdBefore is { } before)
            query += "&created_before=" + Uri.EscapeDataString(Format(before));
        return new Uri(query, UriKind.Relative);
    }

    /// <summary>
    /// A page's <c>next</c> link, only when it points under the API root: the request carries the token, which must never
    /// go to another host.
    /// </summary>
    public static Uri Next(string next, Uri? apiRoot)
    {
        if (apiRoot is null || !Uri.TryCreate(next, UriKind.Absolute, out var uri)
            || Uri.Compare(uri, apiRoot, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0
            || !uri.AbsolutePath.StartsWith(apiRoot.AbsolutePath + "predictions", StringComparison.Ordinal))
            throw new ArgumentException($"cursor: '{next}' is not a prediction list page under {apiRoot}.", nameof(next));
        return uri;
    }

    /// <summary>ISO 8601 UTC with microseconds, Replicate's own form.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
