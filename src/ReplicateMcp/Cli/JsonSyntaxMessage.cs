using System.Text;
using System.Text.Json;

namespace ReplicateMcp.Cli;

/// <summary>Says where a JSON file breaks (line and column from 1) and what was expected, in place of the parser's own text.</summary>
internal static class JsonSyntaxMessage
{
    public static string Describe(string text, JsonException ex)
    {
        var lineIndex = (int)(ex.LineNumber ?? 0);
        var lines = text.Split('\n');
        var line = lineIndex < lines.Length ? lines[lineIndex].TrimEnd('\r') : "";
        // The parser counts bytes of UTF-8; people count characters.
        var bytes = Encoding.UTF8.GetBytes(line);
        var byteColumn = (int)Math.Min(ex.BytePositionInLine ?? 0, bytes.Length);
        var column = Encoding.UTF8.GetCharCount(bytes, 0, byteColumn);
        var found = column < line.Length ? $"'{line[column]}'" : "the end of the line";
        var atEnd = string.IsNullOrWhiteSpace(string.Join('\n', lines.Skip(lineIndex + 1))) && string.IsNullOrWhiteSpace(line[Math.Min(column, line.Length)..]);

        var reason = atEnd ? "the file ends before the JSON is complete (a missing }, ] or closing quote?)"
            : ex.Message.Contains("invalid start of a value", StringComparison.Ordinal) ? $"expected a value (a \"string\", number, true, false, null, {{object}} or [array]) but found {found}"
            : ex.Message.Contains("invalid start of a property name", StringComparison.Ordinal) ? $"expected a property name in double quotes but found {found}"
            : ex.Message.Contains("Expected either ','", StringComparison.Ordinal) || ex.Message.Contains("after a value", StringComparison.Ordinal) ? $"expected a comma or a closing }} or ] but found {found}"
            : ex.Message.Contains("after a property value", StringComparison.Ordinal) ? $"expected a comma or a closing }} but found {found}"
            : ex.Message.Contains("after a property name", StringComparison.Ordinal) ? $"expected ':' after the property name but found {found}"
            : ex.Message.Contains("after a single JSON value", StringComparison.Ordinal) ? $"more text after the JSON object, starting with {found}"
            : $"unexpected {found}";
        return $"not valid JSON at line {lineIndex + 1}, column {column + 1}: {reason}.";
    }
}
