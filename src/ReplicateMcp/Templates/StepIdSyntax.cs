using System.Text.RegularExpressions;

namespace ReplicateMcp.Templates;

/// <summary>The syntax of a pipeline step id, shared by references and the pipeline validator.</summary>
internal static partial class StepIdSyntax
{
    public const int MaxLength = 64;

    /// <summary>The id syntax as a regular expression (also written into the pipeline tool's input schema).</summary>
    public const string Pattern = "^[A-Za-z_][A-Za-z0-9_-]*$";

    /// <summary>How a valid id looks, phrased for error messages.</summary>
    public const string Description =
        "use letters, digits, '_' and '-', starting with a letter or '_' (at most 64 characters)";

    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && IdRegex().IsMatch(id);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
