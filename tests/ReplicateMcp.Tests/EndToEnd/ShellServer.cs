using System.Diagnostics;
using System.Text;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>
/// The built server started the way MCP clients start it (STYLE §11.6): through <c>sh -c</c> in its own process group,
/// stopped by killing the whole group with <c>kill -9</c>. The shell is the server's parent, so once the group is
/// killed the server is an orphan whose zombie nobody here reaps: the next server starts while it still lingers.
/// </summary>
internal sealed class ShellServer : IDisposable
{
    private readonly Process _shell;
    private readonly StringBuilder _stderr;

    private ShellServer(Process shell, StringBuilder stderr, McpClient? client)
    {
        _shell = shell;
        _stderr = stderr;
        Client = client;
    }

    /// <summary>The MCP client on the server's stdio (null for <c>run</c>).</summary>
    public McpClient? Client { get; }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static async Task<ShellServer> StartAsync(string? apiUrl, string root, CancellationToken ct, params string[] arguments)
    {
        var shell = Launch(apiUrl, root, arguments, out var stderr);
        var transport = new StreamClientTransport(shell.StandardInput.BaseStream, shell.StandardOutput.BaseStream);
        try
        {
            var client = await McpClient.CreateAsync(transport, cancellationToken: ct);
            return new ShellServer(shell, stderr, client);
        }
        catch (IOException ex)
        {
            lock (stderr) throw new InvalidOperationException($"The server did not start; its stderr:\n{stderr}", ex);
        }
    }

    /// <summary>Runs <c>replicate-mcp run …</c> to its end; returns its exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunToEndAsync(string? apiUrl, string root, CancellationToken ct, params string[] arguments)
    {
        using var shell = Launch(apiUrl, root, ["run", .. arguments], out var stderr);
        shell.StandardInput.Close();
        var stdout = shell.StandardOutput.ReadToEndAsync(ct);
        await shell.WaitForExitAsync(ct);
        await stdout;
        lock (stderr) return (shell.ExitCode, stderr.ToString());
    }

    private static Process Launch(string? apiUrl, string root, string[] arguments, out StringBuilder stderr)
    {
        // setsid: a process group of its own, led by the shell, like a client's spawn. No exec: the shell stays the parent.
        var info = new ProcessStartInfo("setsid", ["sh", "-c", "dotnet \"$@\"; exit $?", "sh", ReplicateMcp.Tests.TestUtilities.BuiltServer.DllPath, .. arguments])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (apiUrl is not null) info.Environment["REPLICATE_BASE_URL"] = apiUrl;
        info.Environment["REPLICATE_API_TOKEN"] = "r8_ownership_test";
        info.Environment["REPLICATE_MCP_STATE_DIR"] = Path.Combine(root, "state");
        info.Environment["REPLICATE_DOWNLOAD_DIR"] = Path.Combine(root, "downloads");
        info.Environment["REPLICATE_MCP_LOG_LEVEL"] = "Information";
        var shell = Process.Start(info)!;
        var captured = new StringBuilder();
        shell.ErrorDataReceived += (_, e) => { lock (captured) captured.AppendLine(e.Data); };
        shell.BeginErrorReadLine();
        stderr = captured;
        return shell;
    }

    /// <summary><c>kill -9</c> to the whole process group; returns at once, without reaping anything.</summary>
    public void KillGroup()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-9", "--", $"-{_shell.Id}"]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>What a client does on quit: closes the server's stdin.</summary>
    public void CloseStdin() => _shell.StandardInput.Close();

    public Task WaitForExitAsync(CancellationToken ct) => _shell.WaitForExitAsync(ct);

    public void Dispose()
    {
        if (!_shell.HasExited) KillGroup();
        _shell.Dispose();
    }
}
