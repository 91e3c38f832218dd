using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Hosting;

/// <summary>What a stdio server writes to stderr: at the default level, one start-up line and nothing per tool call.</summary>
public sealed partial class StartupLogTests : IDisposable
{
    private readonly TempDirectory _downloads = new();
    private readonly TempDirectory _state = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _downloads.Dispose();
        _state.Dispose();
    }

    private async Task RunOneToolCallAsync(string? logLevel)
    {
        var environment = new Dictionary<string, string?>
        {
            ["REPLICATE_DOWNLOAD_DIR"] = _downloads.Path,
            ["REPLICATE_MCP_STATE_DIR"] = _state.Path,
            ["REPLICATE_API_TOKEN"] = null,
            ["REPLICATE_MCP_LOG_LEVEL"] = logLevel,
        };
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "replicate-mcp",
            Command = "dotnet",
            Arguments = [BuiltServer.DllPath, "--simulate"],
            EnvironmentVariables = environment,
            StandardErrorLines = _stderr.Enqueue,
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: CT);
        var result = await client.CallToolAsync("replicate_list_jobs", new Dictionary<string, object?>(), cancellationToken: CT);
        Assert.True(result.IsError is not true);
    }

    [Fact]
    public async Task Serve_DefaultLevel_LogsOnlyTheStartupLineWithAUtcTimestamp()
    {
        await RunOneToolCallAsync(logLevel: null);

        // The C# client leaves with its own `server/discover` request possibly still in flight; on a loaded machine the
        // MCP library then warns that the handler was cancelled. That is the client quitting, not a line per call.
        var lines = WithoutHandlersCancelledByTheClientLeaving(_stderr);
        Assert.True(lines.Count == 1, string.Join('\n', _stderr));
        var line = lines.Single();
        Assert.DoesNotContain('\n', line);
        Assert.Matches(StartupLine(), line);
        Assert.Contains("backend simulated (offline)", line);
        Assert.Contains("token not needed", line);
        Assert.Contains($"downloads {_downloads.Path}", line);
        Assert.Contains($"state {_state.Path}", line);
        Assert.Contains("max concurrency 20", line);
    }

    [Fact]
    public async Task Serve_DebugLevel_ShowsTheMcpLibrarysPerCallLines()
    {
        await RunOneToolCallAsync(logLevel: "Debug");

        Assert.Contains(_stderr, l => l.Contains("ModelContextProtocol.", StringComparison.Ordinal) && l.Contains("replicate_list_jobs", StringComparison.Ordinal));
        Assert.All(_stderr, l => Assert.Matches(Timestamp(), l));
    }

    /// <summary>Log entries (a timestamped line and the exception lines after it) without the library's warning that a
    /// request handler was cancelled because the client left.</summary>
    private static List<string> WithoutHandlersCancelledByTheClientLeaving(IEnumerable<string> lines)
    {
        var entries = new List<List<string>>();
        foreach (var line in lines)
        {
            if (entries.Count == 0 || Timestamp().IsMatch(line)) entries.Add([line]);
            else entries[^1].Add(line);
        }
        return entries
            .Where(e => !(e[0].Contains("warn: ModelContextProtocol.", StringComparison.Ordinal)
                && string.Join('\n', e) is var text && text.Contains("request handler failed", StringComparison.Ordinal)
                && (text.Contains("TaskCanceledException", StringComparison.Ordinal) || text.Contains("OperationCanceledException", StringComparison.Ordinal))))
            .Select(e => string.Join('\n', e))
            .ToList();
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: ReplicateMcp\.Hosting\.ServerStartLog\[\d+\] replicate-mcp \d+\.\d+\.\d+\S* serving MCP on stdio: ")]
    private static partial Regex StartupLine();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")]
    private static partial Regex Timestamp();
}
