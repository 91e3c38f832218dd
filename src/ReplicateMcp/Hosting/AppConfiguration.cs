using ReplicateMcp.Messages;

namespace ReplicateMcp.Hosting;

/// <summary>
/// Turns the environment and <c>--Section:Key=value</c> arguments into configuration entries, checking each value
/// against <see cref="AppSettings"/> before anything is built. The environment wins over the command line,
/// both win over defaults.
/// </summary>
internal static class AppConfiguration
{
    /// <summary>Returns the entries, or null with <paramref name="problem"/> as the one line to show (naming the variable as the user set it).</summary>
    public static Dictionary<string, string?>? Read(Func<string, string?> environment, IReadOnlyList<string> commandLine, bool simulate, out string? problem)
    {
        problem = null;
        // Command line first, environment last: every value given is checked, and the environment's is the one kept.
        var given = new List<(Setting Setting, string Name, string Text)>();
        foreach (var argument in commandLine)
        {
            var (name, text) = SplitArgument(argument);
            var setting = AppSettings.All.FirstOrDefault(s => string.Equals("--" + s.Key, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.Flag, name, StringComparison.Ordinal));
            if (setting is null)
            {
                problem = $"{name} is not a setting; the keys are {string.Join(", ", AppSettings.All.Select(s => "--" + s.Key))}.";
                return null;
            }
            given.Add((setting, name, text));
        }
        // Empty is not set: an MCP Bundle host passes "" (or its unfilled placeholder) for an optional setting left blank.
        foreach (var setting in AppSettings.All)
            if (environment(setting.Variable) is { Length: > 0 } text && !UnfilledPlaceholder.Matches(text))
                given.Add((setting, setting.Variable, text));

        var entries = Defaults();
        foreach (var (setting, name, text) in given)
        {
            var parsed = setting.Parser.Parse(text);
            if (parsed.IsRefused)
            {
                problem = Refusal(setting, name, text, parsed.Problem!);
                return null;
            }
            setting.WriteTo(entries, parsed.Values);
        }
        if (simulate) entries["Replicate:Simulate"] = "True";
        return entries;
    }

    private static (string Name, string Text) SplitArgument(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (argument, "") : (argument[..equals], argument[(equals + 1)..]);
    }

    private static string Refusal(Setting setting, string name, string text, string problem)
    {
        var detail = problem.Length > 0 ? $" ({problem})" : "";
        return $"{name}={DisplayText.Quote(text, int.MaxValue)} is not allowed{detail}; give {setting.Parser.Allowed}.";
    }

    private static Dictionary<string, string?> Defaults()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new(StringComparer.OrdinalIgnoreCase)
        {
            ["Downloads:DownloadDirectory"] = Path.Combine(home, "Downloads", "replicate-mcp"),
            ["Jobs:StateDirectory"] = DefaultStateDirectory(home),
        };
    }

    private static string DefaultStateDirectory(string home)
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "replicate-mcp");
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "state", "replicate-mcp") : Path.Combine(xdg, "replicate-mcp");
    }
}
