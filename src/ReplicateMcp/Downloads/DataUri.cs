using System.Text;

namespace ReplicateMcp.Downloads;

/// <summary>A decoded <c>data:&lt;mime&gt;[;base64],&lt;payload&gt;</c> URI (RFC 2397).</summary>
internal sealed record DataUri(string MediaType, byte[] Bytes)
{
    public static bool IsDataUri(string source) => source.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Decodes <paramref name="source"/>, or returns null when it is not a well-formed data URI.</summary>
    public static DataUri? TryParse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!IsDataUri(source))
        {
            return null;
        }

        var comma = source.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return null;
        }

        var meta = source[5..comma];
        var payload = source[(comma + 1)..];
        var isBase64 = meta.EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        if (isBase64)
        {
            meta = meta[..^";base64".Length];
        }

        // RFC 2397: an omitted media type means text/plain.
        var mediaType = meta.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType.Length == 0)
        {
            mediaType = "text/plain";
        }

        var bytes = isBase64 ? TryDecodeBase64(payload) : PercentDecode(payload);
        return bytes is null ? null : new DataUri(mediaType, bytes);
    }

    private static byte[]? TryDecodeBase64(string payload)
    {
        try
        {
            // Some producers percent-encode the base64 alphabet's '+', '/' and '='.
            return Convert.FromBase64String(payload.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(payload) : payload);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Not Uri.UnescapeDataString: that decodes to a string, which mangles %XX bytes that are not valid UTF-8.
    private static byte[]? PercentDecode(string payload)
    {
        using var bytes = new MemoryStream(payload.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < payload.Length; i++)
        {
            var c = payload[i];
            if (c == '%')
            {
                if (i + 2 >= payload.Length || !byte.TryParse(payload.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                {
                    return null;
                }

                bytes.WriteByte(b);
                i += 2;
            }
            else if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= payload.Length || !char.IsLowSurrogate(payload[i + 1]))
                {
                    return null;
                }

                bytes.Write(utf8[..Encoding.UTF8.GetBytes(payload.AsSpan(i, 2), utf8)]);
                i++;
            }
            else
            {
                bytes.Write(utf8[..Encoding.UTF8.GetBytes(payload.AsSpan(i, 1), utf8)]);
            }
        }

        return bytes.ToArray();
    }
}
