using System.Text;

namespace ReplicateMcp.Hosting;

/// <summary>
/// Every setting a user can give, in one table: the environment variable, the configuration key behind it, what it
/// means and what it allows. Reading, validation, error lines and <c>--help</c> all come from here, so a new setting
/// is one line.
/// </summary>
internal static class AppSettings
{
    public const string LogLevelKey = "Logging:LogLevel:Default";

    public static IReadOnlyList<Setting> All { get; } =
    [
        new("REPLICATE_API_TOKEN", "Replicate:ApiToken", "Replicate API token (not needed with --simulate)", SettingParsers.AnyText("any text")),
        new("REPLICATE_BASE_URL", "Replicate:BaseUrl", "API root (default https://api.replicate.com/v1)", SettingParsers.HttpUrl),
        new("REPLICATE_DOWNLOAD_DIR", "Downloads:DownloadDirectory", "where outputs are saved (default ~/Downloads/replicate-mcp)", SettingParsers.WritableFolder),
        new("REPLICATE_DOWNLOAD_HOSTS", "Downloads:ExtraAllowedHosts", "extra hosts outputs may be downloaded from", SettingParsers.HostList),
        new("REPLICATE_MCP_STATE_DIR", "Jobs:StateDirectory", "durable job state (default ~/.local/state/replicate-mcp)", SettingParsers.WritableFolder),
        new("REPLICATE_MCP_MAX_CONCURRENCY", "Predictions:MaxConcurrency", "predictions in flight across all jobs (default 20)", SettingParsers.WholeNumber(1, 500)),
        new("REPLICATE_MCP_SIMULATE", "Replicate:Simulate", "use the offline simulator, same as --simulate", SettingParsers.Switch),
        new("REPLICATE_MCP_SIMULATE_SECONDS", "Simulator:PredictionSeconds", "how long a simulated prediction takes (default 3)", SettingParsers.Seconds(0, 3600)),
        new("REPLICATE_MCP_PREFER_WAIT_SECONDS", "Replicate:MaxPreferWaitSeconds", "upper bound of Prefer: wait on creates (default 60)", SettingParsers.WholeNumber(1, 60)),
        new("REPLICATE_MCP_LOG_LEVEL", LogLevelKey, "stderr log level (default Information)", SettingParsers.LogLevelName),
        new("REPLICATE_MCP_INPUT_DIRS", "LocalFiles:InputDirectories", "extra folders whose files may be sent as model inputs", SettingParsers.ExistingFolderList)
        {
            Flag = "--input-dirs",
        },
    ];

    /// <summary>The environment section of <c>--help</c>.</summary>
    public static string HelpText()
    {
        var text = new StringBuilder("\nEnvironment (bad values stop the server with exit code 2 and one line naming the variable):");
        foreach (var setting in All)
            text.Append("\n  ").Append(setting.Variable).Append("\n      ").Append(setting.Meaning).Append("; ").Append(setting.Parser.Allowed).Append('.');
        text.Append("\nEach can also be given as --Key=value, e.g. --Predictions:MaxConcurrency=10 (keys: ").Append(string.Join(", ", All.Select(s => s.Key))).Append("); the environment wins.");
        return text.ToString();
    }
}
