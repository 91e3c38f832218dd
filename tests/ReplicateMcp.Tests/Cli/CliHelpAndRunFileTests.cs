using System.Text.RegularExpressions;

namespace ReplicateMcp.Tests.Cli;

/// <summary>What a new user sees from <c>--help</c> and from a run file that cannot be used.</summary>
public sealed partial class CliHelpAndRunFileTests : IDisposable
{
    private readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Help_ListsEveryEnvironmentVariable()
    {
        var result = await _cli.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var variable in new[]
        {
            "REPLICATE_API_TOKEN", "REPLICATE_BASE_URL", "REPLICATE_DOWNLOAD_DIR", "REPLICATE_DOWNLOAD_HOSTS", "REPLICATE_MCP_STATE_DIR",
            "REPLICATE_MCP_MAX_CONCURRENCY", "REPLICATE_MCP_SIMULATE", "REPLICATE_MCP_SIMULATE_SECONDS",
            "REPLICATE_MCP_PREFER_WAIT_SECONDS", "REPLICATE_MCP_LOG_LEVEL", "REPLICATE_MCP_INPUT_DIRS",
        })
        {
            Assert.Matches(new Regex($@"^\s*{variable}$", RegexOptions.Multiline), result.Stdout);
        }
        Assert.Contains("Trace, Debug, Information, Warning, Error, Critical, None", result.Stdout);
    }

    [Fact]
    public async Task HelpAndRunUsage_NameExamplesThatExist()
    {
        var help = await _cli.RunAsync("--help");
        var usage = await _cli.RunAsync("run");

        Assert.True(usage.ExitCode == 2, usage.ToString());
        var named = ExampleName().Matches(help.Stdout + usage.Stderr).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.True(File.Exists(CliProcess.Example(name)), $"examples/{name} does not exist"));
    }

    [Fact]
    public async Task Run_Folder_SaysItIsAFolderAndWhatToGive()
    {
        var folder = Path.Combine(_cli.Root, "jobs");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "batch.json"), "{}");

        var result = await _cli.RunAsync("run", folder, "--simulate");

        var line = AssertRefused(result);
        Assert.Contains($"{folder} is a folder", line);
        Assert.Contains(Path.Combine(folder, "batch.json"), line);
        Assert.DoesNotContain("denied", line);
    }

    [Fact]
    public async Task Run_EmptyFile_SaysItIsEmpty()
    {
        var file = _cli.WriteFile("empty.json", "  \n");

        var line = AssertRefused(await _cli.RunAsync("run", file, "--simulate"));

        Assert.Contains($"{file} is empty", line);
        Assert.DoesNotContain("LineNumber", line);
    }

    [Theory]
    [InlineData("{\n  \"items\": [\n    {\"model\": \"a/b\", \"input\": {}}\n    {\"model\": \"a/c\"}\n  ]\n}", "line 4, column 5: expected a comma or a closing } or ] but found '{'")]
    [InlineData("{\"items\": [", "the file ends before the JSON is complete")]
    [InlineData("{ items: [] }", "line 1, column 3: expected a property name in double quotes but found 'i'")]
    [InlineData("{\"items\": [,]}", "line 1, column 12: expected a value")]
    public async Task Run_BrokenJson_SaysWhereAndWhatInPlainWords(string json, string expected)
    {
        var file = _cli.WriteFile("broken.json", json);

        var line = AssertRefused(await _cli.RunAsync("run", file, "--simulate"));

        Assert.Contains($"{file}: not valid JSON at ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("LineNumber", line);
        Assert.DoesNotContain("BytePositionInLine", line);
    }

    [Fact]
    public async Task Run_NotAnObject_SaysWhatTheFileHolds()
    {
        var file = _cli.WriteFile("array.json", "[{\"model\": \"a/b\"}]");

        var line = AssertRefused(await _cli.RunAsync("run", file, "--simulate"));

        Assert.Contains("the file holds an array of 1; expected an object with \"items\"", line);
    }

    private static string AssertRefused(CliResult result)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        return Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [GeneratedRegex(@"examples/([\w.-]+\.json)")]
    private static partial Regex ExampleName();
}
