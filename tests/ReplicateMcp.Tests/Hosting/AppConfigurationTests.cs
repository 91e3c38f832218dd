using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;
using ReplicateMcp.Hosting;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Hosting;

public sealed class AppConfigurationTests
{
    private static Dictionary<string, string?>? Read(IReadOnlyDictionary<string, string> environment, string[]? commandLine, out string? problem) =>
        AppConfiguration.Read(name => environment.GetValueOrDefault(name), commandLine ?? [], simulate: false, out problem);

    [Fact]
    public void Read_EveryContractVariable_IsInTheTable()
    {
        string[] contract =
        [
            "REPLICATE_API_TOKEN", "REPLICATE_BASE_URL", "REPLICATE_DOWNLOAD_DIR", "REPLICATE_DOWNLOAD_HOSTS", "REPLICATE_MCP_STATE_DIR",
            "REPLICATE_MCP_MAX_CONCURRENCY", "REPLICATE_MCP_SIMULATE", "REPLICATE_MCP_INPUT_DIRS",
            "REPLICATE_MCP_SIMULATE_SECONDS", "REPLICATE_MCP_PREFER_WAIT_SECONDS", "REPLICATE_MCP_LOG_LEVEL",
        ];

        Assert.Equal(contract.Order(), AppSettings.All.Select(s => s.Variable).Order());
    }

    [Fact]
    public void Read_EnvironmentAndCommandLine_EnvironmentWins()
    {
        var entries = Read(new Dictionary<string, string> { ["REPLICATE_MCP_MAX_CONCURRENCY"] = "7" },
            ["--predictions:maxconcurrency=9", "--Replicate:MaxPreferWaitSeconds=5"], out var problem);

        Assert.Null(problem);
        Assert.Equal("7", entries!["Predictions:MaxConcurrency"]);
        Assert.Equal("5", entries["Replicate:MaxPreferWaitSeconds"]);
    }

    [Fact]
    public void Read_BadCommandLineValueHiddenByTheEnvironment_IsStillRefused()
    {
        Assert.Null(Read(new Dictionary<string, string> { ["REPLICATE_MCP_MAX_CONCURRENCY"] = "7" }, ["--Predictions:MaxConcurrency=abc"], out var problem));
        Assert.StartsWith("--Predictions:MaxConcurrency=\"abc\" is not allowed", problem);
    }

    [Fact]
    public void Read_UnknownCommandLineKey_IsRefusedListingTheKeys()
    {
        Assert.Null(Read(new Dictionary<string, string>(), ["--Predictions:MaxConcurency=5"], out var problem));
        Assert.StartsWith("--Predictions:MaxConcurency is not a setting", problem);
        Assert.Contains("--Predictions:MaxConcurrency", problem);
    }

    [Fact]
    public void Read_Lists_BecomeIndexedKeys()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();

        var entries = Read(new Dictionary<string, string>
        {
            ["REPLICATE_DOWNLOAD_HOSTS"] = " cdn.example.com, *.example.org ,",
            ["REPLICATE_MCP_INPUT_DIRS"] = a.Path + Path.PathSeparator + b.Path + Path.DirectorySeparatorChar,
        }, null, out var problem);

        Assert.Null(problem);
        Assert.Equal("cdn.example.com", entries!["Downloads:ExtraAllowedHosts:0"]);
        Assert.Equal("*.example.org", entries["Downloads:ExtraAllowedHosts:1"]);
        Assert.False(entries.ContainsKey("Downloads:ExtraAllowedHosts:2"));
        Assert.Equal(a.Path, entries["LocalFiles:InputDirectories:0"]);
        Assert.Equal(b.Path, entries["LocalFiles:InputDirectories:1"]);
    }

    [Theory]
    [InlineData("1", "True")]
    [InlineData("TRUE", "True")]
    [InlineData("no", "False")]
    public void Read_SimulateSwitch_IsNormalised(string given, string expected)
    {
        var entries = Read(new Dictionary<string, string> { ["REPLICATE_MCP_SIMULATE"] = given }, null, out _);

        Assert.Equal(expected, entries!["Replicate:Simulate"]);
    }

    [Fact]
    public void Read_FolderWithTilde_IsExpandedToTheHomeFolder()
    {
        var entries = Read(new Dictionary<string, string> { ["REPLICATE_DOWNLOAD_DIR"] = "~/replicate-mcp-test-out" }, null, out var problem);

        Assert.Null(problem);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "replicate-mcp-test-out"), entries!["Downloads:DownloadDirectory"]);
    }

    [Fact]
    public void Read_ControlCharactersInAValue_StayOnOneLine()
    {
        Assert.Null(Read(new Dictionary<string, string> { ["REPLICATE_MCP_MAX_CONCURRENCY"] = "5\n" + "6" }, null, out var problem));
        Assert.DoesNotContain('\n', problem!);
        Assert.Contains("\"5\\n6\"", problem);
    }

    [Fact]
    public void Read_LogLevelNumber_IsRefused()
    {
        Assert.Null(Read(new Dictionary<string, string> { ["REPLICATE_MCP_LOG_LEVEL"] = "2" }, null, out var problem));
        Assert.Contains("one of Trace, Debug", problem);
    }

    [Fact]
    public async Task Read_LargestAllowedValues_PassTheOptionsValidation()
    {
        // The table's bounds and the options' [Range] attributes must agree, or a value we let through would still abort.
        var entries = Read(new Dictionary<string, string>
        {
            ["REPLICATE_MCP_MAX_CONCURRENCY"] = "500",
            ["REPLICATE_MCP_PREFER_WAIT_SECONDS"] = "60",
            ["REPLICATE_DOWNLOAD_HOSTS"] = "cdn.example.com",
        }, null, out _);
        await using var core = new ExecCoreHarness(extraSettings: entries);

        Assert.Equal(500, core.Services.GetRequiredService<IOptions<PredictionRunnerOptions>>().Value.MaxConcurrency);
        Assert.Equal(60, core.Services.GetRequiredService<IOptions<ReplicateOptions>>().Value.MaxPreferWaitSeconds);
        Assert.Equal(["cdn.example.com"], core.Services.GetRequiredService<IOptions<DownloadOptions>>().Value.ExtraAllowedHosts);
    }

    private static readonly string[] BundleVariables =
        ["REPLICATE_API_TOKEN", "REPLICATE_DOWNLOAD_DIR", "REPLICATE_MCP_INPUT_DIRS", "REPLICATE_MCP_MAX_CONCURRENCY"];

    [Theory]
    [InlineData("")]
    [InlineData("${user_config.download_dir}")]
    public void Read_BlankOrUnfilledBundleSettings_TakeTheDefaults(string given)
    {
        // Claude Desktop passes "" for an optional setting left blank, or leaves the manifest's placeholder it could not fill.
        var entries = Read(BundleVariables.ToDictionary(v => v, _ => given), null, out var problem);

        Assert.Null(problem);
        Assert.Equal(Read(new Dictionary<string, string>(), null, out _), entries);
    }

    [Fact]
    public void Read_InputDirsFlag_SetsTheInputFoldersAndIsNamedWhenRefused()
    {
        using var a = new TempDirectory();

        var entries = Read(new Dictionary<string, string>(), ["--input-dirs=" + a.Path], out var problem);
        Assert.Null(problem);
        Assert.Equal(a.Path, entries!["LocalFiles:InputDirectories:0"]);

        Assert.Null(Read(new Dictionary<string, string>(), ["--input-dirs=relative/folder"], out problem));
        Assert.StartsWith("--input-dirs=\"relative/folder\" is not allowed", problem);
    }
}
