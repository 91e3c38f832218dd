using System.Text.RegularExpressions;

namespace ReplicateMcp.Messages;

/// <summary>
/// Builds the readable JSON paths every problem message names a place with, such as <c>opts.mask</c>,
/// <c>images[1]</c> or <c>["odd key"]</c>: one key rule for all validators.
/// </summary>
internal static partial class JsonPath
{
    /// <summary>Appends a key: <c>.name</c> when it is a plain key (letters, digits, '_', '-', not starting with a digit or '-'), <c>["odd key"]</c> otherwise.</summary>
    public static string Property(string parent, string key)
    {
        if (!PlainKeyRegex().IsMatch(key))
        {
            return $"{parent}[{DisplayText.Quote(key)}]";
        }

        return parent.Length == 0 ? key : $"{parent}.{key}";
    }

    public static string Element(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Joins a prefix such as <c>steps[up].input</c> with a relative path such as <c>image</c> or <c>[0]</c>.</summary>
    public static string Join(string prefix, string path) =>
        path.Length == 0 ? prefix : path[0] == '[' ? prefix + path : $"{prefix}.{path}";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKeyRegex();
}
