using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Schemas;

/// <summary>Renders user values, property names and schema descriptions safely into one-line problem messages.</summary>
internal static class MessageText
{
    /// <summary>Longest string value echoed back before it is cut with an ellipsis.</summary>
    public const int MaxEchoedChars = 80;

    private const int MaxDescriptionChars = 60;

    // Relaxed escaping keeps non-ASCII text readable; control characters are still escaped, so a value can never
    // break the message onto a new line or smuggle terminal escapes.
    private static readonly JsonSerializerOptions EchoOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The value as JSON; long strings are cut, arrays and objects are summarised by their size.</summary>
    public static string Value(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray array => $"array of {array.Count}",
        JsonObject obj => $"object of {obj.Count} {(obj.Count == 1 ? "property" : "properties")}",
        _ when value.GetValueKind() == JsonValueKind.String => QuotedString(value.GetValue<string>()),
        _ => value.ToJsonString(EchoOptions),
    };

    /// <summary>A JSON string literal of at most <see cref="MaxEchoedChars"/> characters of text, with "…" when cut.</summary>
    public static string QuotedString(string text)
    {
        var cut = text.Length > MaxEchoedChars;
        if (cut)
        {
            var length = MaxEchoedChars;
            if (char.IsHighSurrogate(text[length - 1]))
            {
                length--;
            }

            text = text[..length];
        }

        var quoted = JsonValue.Create(text).ToJsonString(EchoOptions);
        return cut ? string.Concat(quoted.AsSpan(0, quoted.Length - 1), "…\"") : quoted;
    }

    /// <summary>Appends a property name to a path: <c>.name</c> for identifiers, <c>["odd name"]</c> otherwise.</summary>
    public static string Member(string path, string name) =>
        IsIdentifier(name) ? $"{path}.{name}" : $"{path}[{QuotedString(name)}]";

    /// <summary>A schema description collapsed to one short line, or null when there is none.</summary>
    public static string? ShortDescription(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(description.Length, MaxDescriptionChars + 1));
        var pendingSpace = false;
        foreach (var c in description)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            if (builder.Length > MaxDescriptionChars)
            {
                // Cut at the last word boundary so the reader does not get half a word.
                var text = builder.ToString(0, MaxDescriptionChars);
                var wholeWords = builder[MaxDescriptionChars] == ' ';
                var space = text.LastIndexOf(' ');
                var kept = wholeWords || space <= MaxDescriptionChars / 2 ? text : text[..space];
                return kept.TrimEnd('.', ',', ';', ':') + "…";
            }
        }

        return builder.ToString();
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
