using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Templates;

/// <summary>Splits a string into literal text and <c>$step.field[n].key</c> references.</summary>
internal static partial class TemplateScanner
{
    private const string DollarHint = "write $$ for a literal $";

    public static ParsedTemplate Parse(string text)
    {
        var parts = new List<TemplatePart>();
        var errors = new List<TemplateSyntaxError>();
        var literal = new StringBuilder();
        var i = 0;

        while (i < text.Length)
        {
            var dollar = text.IndexOf('$', i);
            if (dollar < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }

            literal.Append(text, i, dollar - i);
            var next = dollar + 1 < text.Length ? text[dollar + 1] : '\0';
            if (next == '$')
            {
                literal.Append('$');
                i = dollar + 2;
                continue;
            }

            // "costs $5" or a lone "$" is plain text; only a letter or '_' starts a reference.
            if (!char.IsAsciiLetter(next) && next != '_')
            {
                literal.Append('$');
                i = dollar + 1;
                continue;
            }

            var match = ReferenceRegex().Match(text, dollar);
            i = dollar + match.Length;
            if (TryBuild(text, match, out var reference, out var error))
            {
                if (literal.Length > 0)
                {
                    parts.Add(new LiteralTemplatePart(literal.ToString()));
                    literal.Clear();
                }

                parts.Add(new ReferenceTemplatePart(reference));
            }
            else
            {
                errors.Add(error);
                i = dollar + Math.Max(match.Length, error.Text.Length);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new LiteralTemplatePart(literal.ToString()));
        }

        return new ParsedTemplate(parts, errors);
    }

    private static bool TryBuild(string text, Match match, out TemplateReference reference, out TemplateSyntaxError error)
    {
        reference = null!;
        error = null!;
        var start = match.Index;
        var step = match.Groups["step"].Value;
        var end = start + match.Length;

        if (!match.Groups["field"].Success)
        {
            // A typo such as "$gen" or "$gen." must never pass as literal text.
            var shown = end < text.Length && text[end] == '.' ? text.Substring(start, match.Length + 1) : match.Value;
            error = new TemplateSyntaxError(start, shown,
                $"{Show(shown)} is not a complete reference: expected ${step}.<field> with field one of " +
                $"{TemplateFields.List} (e.g. ${step}.urls[0]); {DollarHint}");
            return false;
        }

        var field = match.Groups["field"].Value;
        if (!match.Groups["index"].Success && end < text.Length && text[end] == '[')
        {
            var close = text.IndexOf(']', end);
            var shown = close < 0 ? text[start..] : text[start..(close + 1)];
            error = new TemplateSyntaxError(start, shown,
                $"{Show(shown)} has a malformed index: expected [<n>] with a whole number n of 0 or more " +
                $"(e.g. ${step}.{field}[0]); {DollarHint}");
            return false;
        }

        int? index = null;
        if (match.Groups["index"].Success)
        {
            if (!int.TryParse(match.Groups["index"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                error = new TemplateSyntaxError(start, match.Value,
                    $"{Show(match.Value)} has an index that is too large: expected [<n>] with n at most {int.MaxValue}; {DollarHint}");
                return false;
            }

            index = n;
        }

        var keys = match.Groups["key"].Captures.Select(c => c.Value).ToArray();
        reference = new TemplateReference(step, field, index, keys, match.Value);
        return true;
    }

    private static string Show(string text) => DisplayText.Quote(text);

    // \G anchors at the '$' the scanner found; the field part is optional so that "$gen" can be reported.
    [GeneratedRegex(
        @"\G\$(?<step>" + StepIdSyntax.Body + @")(?:\.(?<field>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?<index>[0-9]+)\])?(?:\.(?<key>[A-Za-z0-9_-]+))*)?",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex ReferenceRegex();
}
