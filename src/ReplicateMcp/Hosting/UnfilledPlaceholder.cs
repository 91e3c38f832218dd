using System.Text.RegularExpressions;

namespace ReplicateMcp.Hosting;

/// <summary>
/// A value an MCP Bundle host passed on exactly as the manifest wrote it (<c>${user_config.download_dir}</c>): the host
/// had no value for that setting (Claude Desktop leaves a placeholder it cannot fill), so it counts as not set.
/// </summary>
internal static partial class UnfilledPlaceholder
{
    public static bool Matches(string text) => Pattern().IsMatch(text.Trim());

    [GeneratedRegex(@"^\$\{user_config\.[^}]*\}$")]
    private static partial Regex Pattern();
}
