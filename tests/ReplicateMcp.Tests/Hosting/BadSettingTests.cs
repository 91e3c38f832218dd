using ReplicateMcp.Tests.Cli;

namespace ReplicateMcp.Tests.Hosting;

/// <summary>A bad setting stops the built server at start: exit code 2 and one stderr line naming it as the user set it.</summary>
public sealed class BadSettingTests : IDisposable
{
    private readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("REPLICATE_MCP_MAX_CONCURRENCY", "abc", "a whole number from 1 to 500")]
    [InlineData("REPLICATE_MCP_MAX_CONCURRENCY", "0", "a whole number from 1 to 500")]
    [InlineData("REPLICATE_MCP_MAX_CONCURRENCY", "1000", "a whole number from 1 to 500")]
    [InlineData("REPLICATE_MCP_PREFER_WAIT_SECONDS", "120", "a whole number from 1 to 60")]
    [InlineData("REPLICATE_BASE_URL", "notaurl", "http:// or https:// URL")]
    [InlineData("REPLICATE_BASE_URL", "/v1", "http:// or https:// URL")]
    [InlineData("REPLICATE_BASE_URL", "ftp://example.com/v1", "http:// or https:// URL")]
    [InlineData("REPLICATE_MCP_SIMULATE_SECONDS", "abc", "a number of seconds from 0 to 3600")]
    [InlineData("REPLICATE_MCP_LOG_LEVEL", "Verbose", "Trace, Debug, Information, Warning, Error, Critical, None")]
    [InlineData("REPLICATE_MCP_SIMULATE", "maybe", "1, true or yes")]
    [InlineData("REPLICATE_DOWNLOAD_HOSTS", "cdn.example.com,https://x.example.com/", "\"https://x.example.com/\" is not a host name")]
    [InlineData("REPLICATE_MCP_INPUT_DIRS", "relative/folder", "\"relative/folder\" is not an absolute path")]
    public async Task Serve_BadEnvironmentVariable_Exits2WithOneLineNamingIt(string variable, string value, string allowed)
    {
        var result = await _cli.RunAsync([], new Dictionary<string, string> { [variable] = value }, null);

        AssertRefused(result, $"replicate-mcp: {variable}=\"{value}\" is not allowed", allowed);
    }

    [Fact]
    public async Task Serve_BadCommandLineSetting_Exits2NamingItAsGiven()
    {
        var result = await _cli.RunAsync("--Predictions:MaxConcurrency=abc");

        AssertRefused(result, "replicate-mcp: --Predictions:MaxConcurrency=\"abc\" is not allowed", "a whole number from 1 to 500");
    }

    [Fact]
    public async Task Run_BadSetting_Exits2BeforeReadingTheFile()
    {
        var result = await _cli.RunAsync(["run", CliProcess.Example("batch-mixed.json"), "--simulate"],
            new Dictionary<string, string> { ["REPLICATE_MCP_MAX_CONCURRENCY"] = "abc" }, null);

        AssertRefused(result, "REPLICATE_MCP_MAX_CONCURRENCY=\"abc\"", "a whole number from 1 to 500");
    }

    [Fact]
    public async Task Serve_DownloadDirIsAFile_Exits2SayingSo()
    {
        var file = _cli.WriteFile("not-a-folder", "x");

        var result = await _cli.RunAsync([], new Dictionary<string, string> { ["REPLICATE_DOWNLOAD_DIR"] = Path.Combine(file, "sub") }, null);

        AssertRefused(result, "REPLICATE_DOWNLOAD_DIR=", $"\"{file}\" is a file, not a folder");
    }

    [Fact]
    public async Task Serve_StateDirIsAFile_Exits2SayingSo()
    {
        var file = _cli.WriteFile("state-file", "x");

        var result = await _cli.RunAsync([], new Dictionary<string, string> { ["REPLICATE_MCP_STATE_DIR"] = file }, null);

        AssertRefused(result, "REPLICATE_MCP_STATE_DIR=", "is a file, not a folder");
    }

    [Fact]
    public async Task Serve_InputDirThatDoesNotExist_Exits2NamingTheEntry()
    {
        var missing = Path.Combine(_cli.Root, "missing");

        var result = await _cli.RunAsync([], new Dictionary<string, string> { ["REPLICATE_MCP_INPUT_DIRS"] = _cli.Root + Path.PathSeparator + missing }, null);

        AssertRefused(result, "REPLICATE_MCP_INPUT_DIRS=", $"\"{missing}\" is not an existing folder");
    }

    [Fact]
    public async Task Serve_GoodSettings_StartsAndEndsWithStdin()
    {
        var result = await _cli.RunAsync([], new Dictionary<string, string>
        {
            ["REPLICATE_MCP_SIMULATE"] = "yes",
            ["REPLICATE_MCP_MAX_CONCURRENCY"] = "500",
            ["REPLICATE_MCP_PREFER_WAIT_SECONDS"] = "60",
            ["REPLICATE_MCP_LOG_LEVEL"] = "warning",
            ["REPLICATE_DOWNLOAD_HOSTS"] = "cdn.example.com, *.example.org",
            ["REPLICATE_MCP_INPUT_DIRS"] = _cli.Root,
            ["REPLICATE_BASE_URL"] = "http://127.0.0.1:9/v1",
        }, null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
    }

    private static void AssertRefused(CliResult result, string start, string allowed)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(start, line);
        Assert.Contains(allowed, line);
        Assert.Equal("", result.Stdout);
    }
}
