using Microsoft.Extensions.Configuration;

namespace ReplicateMcp.Hosting;

/// <summary>
/// Maps the documented environment variables onto configuration keys. They are added last,
/// so the environment wins over defaults and over <c>--Section:Key=value</c> arguments.
/// </summary>
internal static class AppConfiguration
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("REPLICATE_API_TOKEN", "Replicate:ApiToken"),
        ("REPLICATE_BASE_URL", "Replicate:BaseUrl"),
        ("REPLICATE_DOWNLOAD_DIR", "Downloads:DownloadDirectory"),
        ("REPLICATE_DOWNLOAD_HOSTS", "Downloads:ExtraAllowedHostsList"),
        ("REPLICATE_MCP_STATE_DIR", "Jobs:StateDirectory"),
        ("REPLICATE_MCP_MAX_CONCURRENCY", "Predictions:MaxConcurrency"),
        ("REPLICATE_MCP_SIMULATE", "Replicate:Simulate"),
        ("REPLICATE_MCP_SIMULATE_SECONDS", "Simulator:PredictionSeconds"),
        ("REPLICATE_MCP_PREFER_WAIT_SECONDS", "Replicate:MaxPreferWaitSeconds"),
    ];

    public static void Add(IConfigurationBuilder configuration, IReadOnlyList<string> commandLine, bool simulate)
    {
        configuration.AddInMemoryCollection(Defaults());
        configuration.AddCommandLine([.. commandLine]);
        var fromEnvironment = new Dictionary<string, string?>();
        foreach (var (variable, key) in Map)
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
                fromEnvironment[key] = variable == "REPLICATE_MCP_SIMULATE" ? (value is "1" or "true" or "yes").ToString() : value;
        if (simulate) fromEnvironment["Replicate:Simulate"] = "True";
        configuration.AddInMemoryCollection(fromEnvironment);
    }

    private static Dictionary<string, string?> Defaults()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new()
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
