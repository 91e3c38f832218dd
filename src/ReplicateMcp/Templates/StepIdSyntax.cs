using System.Text.RegularExpressions;

namespace ReplicateMcp.Templates;

/// <summary>The syntax of a pipeline step id, shared by references and the pipeline validator.</summary>
internal static partial class StepIdSyntax
{
    public const int MaxLength = 64;

    /// <summary>An id inside a larger pattern (template references).</summary>
    public const string Body = "[A-Za-z_][A-Za-z0-9_-]*";

    /// <summary>The id syntax as a regular expression (also written into the pipeline tool's input schema).</summary>
    public const string Pattern = "^" + Body + "$";

    /// <summary>How a valid id looks, phrased for error messages.</summary>
    public const string Description =
        "use letters, digits, '_' and '-', starting with a letter or '_' (at most 64 characters)";

    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && IdRegex().IsMatch(id);

    /// <summary>How messages name a step: by its id once the id is usable, else by its position.</summary>
    public static string Path(string? id, int index) => IsValid(id) ? $"steps[{id}]" : $"steps[{index}]";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
