using System.Globalization;
using System.Text;

namespace ReplicateMcp.Templates;

/// <summary>Echoes user-supplied text safely inside error messages.</summary>
internal static class DisplayText
{
    public const int MaxLength = 80;

    /// <summary>JSON-style quoted text, control characters escaped, cut to <paramref name="maxLength"/> characters with an ellipsis.</summary>
    public static string Quote(string? value, int maxLength = MaxLength)
    {
        if (value is null)
        {
            return "null";
        }

        var truncated = value.Length > maxLength;
        var length = truncated ? maxLength : value.Length;

        // Never cut a surrogate pair in half: the message would carry an invalid character.
        if (truncated && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        var sb = new StringBuilder(length + 8).Append('"');
        foreach (var c in value.AsSpan(0, length))
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' =>
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append(truncated ? "…\"" : "\"").ToString();
    }

    /// <summary>Cuts text that needs no quoting (such as a reference) to <paramref name="maxLength"/> characters.</summary>
    public static string Truncate(string value, int maxLength = MaxLength) =>
        value.Length <= maxLength ? value : string.Concat(value.AsSpan(0, maxLength), "…");
}
