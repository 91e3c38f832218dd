using System.Diagnostics;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// Publishes the tool, then measures the published apphost as a process over stdio (<see cref="ProcessFigures"/>),
/// the way an MCP client launches it.
/// </summary>
internal static class ColdStart
{
    public sealed record Variant(string Name, string[] PublishArguments);

    // The project sets PublishAot (its tool packages are native): the JIT and ReadyToRun variants turn it off.
    public static readonly Variant Jit = new("framework-dependent (JIT)", ["-p:PublishAot=false"]);
    public static readonly Variant ReadyToRun = new("ReadyToRun, linux-x64", ["-r", "linux-x64", "--self-contained", "false", "-p:PublishAot=false", "-p:PublishReadyToRun=true"]);
    // Warnings not as errors: today's trim/AOT analysis warnings would fail the build otherwise; see docs/aot.md.
    public static readonly Variant Aot = new("Native AOT, linux-x64", ["-r", "linux-x64", "-p:PublishAot=true", "-p:TreatWarningsAsErrors=false"]);

    public static async Task<List<Figure>> MeasureAsync(string repoRoot, Variant variant)
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
        return await ProcessFigures.MeasureAsync(variant.Name, [apphost]);
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
