using System.Diagnostics;

namespace ReplicateMcp.Tests.Cli;

/// <summary>Runs the built tool (<c>dotnet ReplicateMcp.dll ...</c>) in simulate mode with its own download and state folders.</summary>
internal sealed class CliProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public CliProcess()
    {
        Root = Path.Combine(Path.GetTempPath(), "replicate-mcp-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DownloadDir => Path.Combine(Root, "downloads");

    public string StateDir => Path.Combine(Root, "state");

    public static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    /// <summary>Writes <paramref name="json"/> to a file under <see cref="Root"/> and returns its path.</summary>
    public string WriteFile(string name, string json)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, json);
        return path;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, new Dictionary<string, string>(), null);

    /// <summary>Runs with extra <paramref name="environment"/>; <paramref name="onStderrLine"/> sees each stderr line as it comes.</summary>
    public async Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string> environment, Action<string, Process>? onStderrLine)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestUtilities.BuiltServer.DllPath);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["REPLICATE_MCP_SIMULATE_SECONDS"] = "0.2";
        start.Environment["REPLICATE_DOWNLOAD_DIR"] = DownloadDir;
        start.Environment["REPLICATE_MCP_STATE_DIR"] = StateDir;
        foreach (var name in new[] { "REPLICATE_API_TOKEN", "REPLICATE_BASE_URL", "REPLICATE_MCP_SIMULATE", "REPLICATE_MCP_LOG_LEVEL", "REPLICATE_DOWNLOAD_HOSTS" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = ReadLinesAsync(process, onStderrLine, timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return new CliResult(process.ExitCode, await stdout, await stderr);
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<string> ReadLinesAsync(Process process, Action<string, Process>? onLine, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line)
        {
            text.AppendLine(line);
            onLine?.Invoke(line, process);
        }
        return text.ToString();
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
