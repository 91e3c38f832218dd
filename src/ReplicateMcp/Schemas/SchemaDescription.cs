using System.Text;

namespace ReplicateMcp.Schemas;

/// <summary>Schema descriptions shortened for one-line problem messages.</summary>
internal static class SchemaDescription
{
    private const int MaxDescriptionChars = 60;

    /// <summary>A schema description collapsed to one short line, or null when there is none.</summary>
    public static string? Short(string? description)
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
}
