using ReplicateMcp.Tests.Cli;

namespace ReplicateMcp.Tests.Hosting;

/// <summary>
/// CONTRACT §6 "Locks that work": where the state folder gives no exclusive locks, the server says so in one line and
/// exits 2 naming the folder, rather than let two servers adopt one job. On fea536c it started, and every owner
/// looked dead to every other server.
/// </summary>
public sealed class StateFolderLockTests : IDisposable
{
    private readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("serve")]
    [InlineData("run")]
    public async Task FileLockingDisabled_Exits2WithOneLineNamingTheStateFolder(string command)
    {
        string[] args = command == "serve" ? [] : [command, CliProcess.Example("batch-mixed.json"), "--simulate"];

        var result = await _cli.RunAsync(args, new Dictionary<string, string> { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" }, null);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(_cli.StateDir, line, StringComparison.Ordinal);
        Assert.Contains("exclusive file locks", line, StringComparison.Ordinal);
        Assert.Contains("DOTNET_SYSTEM_IO_DISABLEFILELOCKING", line, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task LocksWork_ServerStarts()
    {
        var result = await _cli.RunAsync([], new Dictionary<string, string> { ["REPLICATE_MCP_SIMULATE"] = "1" }, null);

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
