using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Messages;

/// <summary>Echoes user-supplied text and values safely inside one-line problem messages.</summary>
internal static class DisplayText
{
    public const int MaxLength = 80;

    /// <summary>JSON-style quoted text, control and format characters escaped, cut to <paramref name="maxLength"/> characters with an ellipsis.</summary>
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
                // Control characters could break the message onto a new line or smuggle terminal escapes; format
                // characters (zero-width, bidi overrides) could make the message read differently from what it says.
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == UnicodeCategory.Format =>
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append(truncated ? "…\"" : "\"").ToString();
    }

    /// <summary>Cuts text that needs no quoting (such as a reference) to <paramref name="maxLength"/> characters.</summary>
    public static string Truncate(string value, int maxLength = MaxLength) =>
        value.Length <= maxLength ? value : string.Concat(value.AsSpan(0, maxLength), "…");

    /// <summary>
    /// A value as the user gave it, in a few words: strings quoted, numbers and booleans as written, arrays by
    /// length, objects by their keys, e.g. <c>"a fox"</c>, <c>an array of 2</c>, <c>an object (keys: a, b)</c>.
    /// </summary>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Quote(value.GetString()),
        JsonValueKind.Array => $"an array of {value.GetArrayLength()}",
        JsonValueKind.Object => ObjectText([.. value.EnumerateObject().Select(p => p.Name)]),
        JsonValueKind.Undefined or JsonValueKind.Null => "null",
        _ => Truncate(value.GetRawText()),
    };

    /// <inheritdoc cref="Value(JsonElement)"/>
    public static string Value(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray array => $"an array of {array.Count}",
        JsonObject obj => ObjectText([.. obj.Select(p => p.Key)]),
        _ when value.GetValueKind() == JsonValueKind.String => Quote(value.GetValue<string>()),
        _ => Truncate(value.ToJsonString()),
    };

    /// <summary>Keys of an object, comma-separated, cut short for huge objects.</summary>
    public static string Keys(IReadOnlyCollection<string> keys)
    {
        const int Shown = 20;
        var shown = string.Join(", ", keys.Take(Shown));
        return keys.Count > Shown ? $"{shown}, … ({keys.Count} in all)" : shown;
    }

    private static string ObjectText(IReadOnlyCollection<string> keys) =>
        keys.Count == 0 ? "an empty object" : $"an object (keys: {Keys(keys)})";
}
