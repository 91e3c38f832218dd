using System.Diagnostics;
using System.Globalization;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// Publishes the tool, then times process start → first stdout line (the <c>initialize</c> reply) over stdio,
/// the way an MCP client launches it.
/// </summary>
internal static class ColdStart
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1.0"}}}""";

    public sealed record Variant(string Name, string[] PublishArguments);

    public static readonly Variant Jit = new("framework-dependent (JIT)", []);
    public static readonly Variant ReadyToRun = new("ReadyToRun, linux-x64", ["-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true"]);
    // Warnings off: the trim/AOT analysis (IL2026/IL3050/IL2075…) fails the build otherwise; see docs/benchmarks.md.
    public static readonly Variant Aot = new("Native AOT, linux-x64", ["-r", "linux-x64", "-p:PublishAot=true", "-p:TreatWarningsAsErrors=false"]);

    public static async Task<List<Figure>> MeasureAsync(string repoRoot, Variant variant, int runs)
    {
        var output = Path.Combine(repoRoot, "artifacts", "bench", variant.Name.Split(' ')[0].Replace(",", "", StringComparison.Ordinal));
        var publishClock = Stopwatch.StartNew();
        var (code, log) = await RunAsync("dotnet", ["publish", Path.Combine(repoRoot, "src", "ReplicateMcp"), "-c", "Release", "-o", output, "-nologo", "-v:q", .. variant.PublishArguments]);
        var label = $"cold start: {variant.Name}";
        if (code != 0)
        {
            var reason = log.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim() ?? $"exit {code}";
            return [new(label, "publish", "failed", "", false, reason.Length > 200 ? reason[..200] : reason)];
        }
        Console.Error.WriteLine($"  published {variant.Name} in {publishClock.Elapsed.TotalSeconds:0} s");

        var apphost = Path.Combine(output, OperatingSystem.IsWindows() ? "ReplicateMcp.exe" : "ReplicateMcp");
        var state = Directory.CreateTempSubdirectory("replicate-mcp-bench-state").FullName;
        var times = new List<double>();
        var rss = new List<double>();
        await SpawnAsync(apphost, state); // a first launch warms the disk cache; not counted
        for (var run = 0; run < runs; run++)
        {
            var (ms, rssMb) = await SpawnAsync(apphost, state);
            times.Add(ms);
            rss.Add(rssMb);
        }
        Directory.Delete(state, recursive: true);
        var median = Stats.Median(times);
        var inv = CultureInfo.InvariantCulture;
        return
        [
            new(label, "start → initialize reply, median (ms)", median.ToString("0", inv), "≤ 200 ms", median <= 200, Stats.Runs(times, "0")),
            new(label, "RSS of the idle server after initialize (MB)", Stats.Median(rss).ToString("0.0", inv), "", null, ""),
        ];
    }

    private static async Task<(double Ms, double RssMb)> SpawnAsync(string apphost, string stateDir)
    {
        var start = new ProcessStartInfo(apphost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--simulate");
        start.Environment["REPLICATE_MCP_STATE_DIR"] = stateDir;
        start.Environment["REPLICATE_MCP_LOG_LEVEL"] = "Warning";
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        child.ErrorDataReceived += (_, _) => { };
        child.BeginErrorReadLine();
        await child.StandardInput.WriteLineAsync(Initialize);
        await child.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reply = await child.StandardOutput.ReadLineAsync(timeout.Token);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (reply is null || !reply.Contains("\"serverInfo\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"Unexpected initialize reply: {reply}");
        var rss = ReadRssMb(child.Id);
        child.StandardInput.Close(); // stdin EOF ends a stdio MCP server
        if (!child.WaitForExit(10_000)) child.Kill();
        return (ms, rss);
    }

    private static double ReadRssMb(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task<(int Code, string Log)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
