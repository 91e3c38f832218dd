using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// One replicate-mcp server started as a child process, spoken to over stdio the way an MCP client does:
/// newline-delimited JSON-RPC, one request at a time.
/// </summary>
internal sealed class StdioServer : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private int _nextId;

    private StdioServer(Process process) => _process = process;

    public int ProcessId => _process.Id;

    /// <summary>Starts <paramref name="command"/> (file then arguments) with <c>--simulate</c> and a private state folder.</summary>
    public static StdioServer Start(IReadOnlyList<string> command, string scratchDir, IReadOnlyList<string> extraArguments) =>
        Start(command, scratchDir, ["--simulate", .. extraArguments], new Dictionary<string, string>());

    /// <summary>Starts <paramref name="command"/> with a private state folder, these arguments and environment variables.</summary>
    public static StdioServer Start(IReadOnlyList<string> command, string scratchDir, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1).Concat(arguments)) start.ArgumentList.Add(argument);
        start.Environment["REPLICATE_MCP_STATE_DIR"] = Path.Combine(scratchDir, "state");
        start.Environment["REPLICATE_DOWNLOAD_DIR"] = Path.Combine(scratchDir, "downloads");
        start.Environment["REPLICATE_MCP_LOG_LEVEL"] = "Warning";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{command[0]}'.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new StdioServer(process);
    }

    /// <summary>Sends a request and returns its <c>result</c>; a JSON-RPC error or a line that is not JSON ends the run.</summary>
    public async Task<JsonNode> RequestAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _process.StandardInput.WriteLineAsync(request.ToJsonString());
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"The server closed stdout before answering {method} (exit code {ExitCodeOrNone()}).");
            var message = JsonNode.Parse(line)!.AsObject();
            if (message["id"] is not JsonValue answerId || !answerId.TryGetValue<int>(out var number) || number != id) continue; // a notification
            if (message["error"] is { } error) throw new InvalidOperationException($"{method} answered with error {error.ToJsonString()}");
            return message["result"]!;
        }
    }

    public async Task NotifyAsync(string method)
    {
        await _process.StandardInput.WriteLineAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method }.ToJsonString());
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The process's resident set (VmRSS) in MB, as the operating system counts it.</summary>
    public double ReadRssMb() => ReadStatusMb("VmRSS");

    /// <summary>A size line of <c>/proc/&lt;pid&gt;/status</c> (VmRSS, RssAnon: GC heap, stacks, malloc; RssFile: mapped files) in MB.</summary>
    public double ReadStatusMb(string field)
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private string ExitCodeOrNone() => _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "still running";

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // stdin EOF ends a stdio MCP server
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
