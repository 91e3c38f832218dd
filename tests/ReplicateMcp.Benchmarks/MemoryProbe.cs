using System.Diagnostics;
using System.Globalization;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// RSS with 20 finished 50-item batches retained, measured in a child process of its own (this program run with
/// <c>memory-child</c>), so nothing the other scenarios allocated is counted.
/// </summary>
internal static class MemoryProbe
{
    public const string ChildArgument = "memory-child";
    private const int Batches = 20, Items = 50;

    /// <summary>Child side: runs the batches, keeps them, prints "rss_bytes managed_bytes baseline_rss_bytes".</summary>
    public static async Task<int> RunChildAsync()
    {
        await using var core = await CoreHarness.StartAsync(0, paced: false);
        var baseline = Rss();
        var ids = new List<string>();
        for (var i = 0; i < Batches; i++)
            ids.Add((await core.RunAsync(Jobs.Batch(Items, 10))).Id);
        if (ids.Any(id => core.Store.Get(id) is null)) throw new InvalidOperationException("A finished batch was not retained.");
        var rss = Rss();
        Console.WriteLine(string.Join(' ', rss, GC.GetTotalMemory(forceFullCollection: true), baseline));
        GC.KeepAlive(core);
        return 0;
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    public static async Task<List<Figure>> MeasureAsync(int runs)
    {
        var rss = new List<double>();
        var managed = new List<double>();
        var baseline = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            // Under `dotnet run` the process path is the apphost; under `dotnet ReplicateMcp.Benchmarks.dll` it is dotnet.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(MemoryProbe).Assembly.Location);
            start.ArgumentList.Add(ChildArgument);
            using var child = Process.Start(start)!;
            var line = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            if (child.ExitCode != 0) throw new InvalidOperationException($"memory child exited {child.ExitCode}");
            var parts = line.Trim().Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture) / (1024 * 1024)).ToArray();
            rss.Add(parts[0]);
            managed.Add(parts[1]);
            baseline.Add(parts[2]);
        }
        var inv = CultureInfo.InvariantCulture;
        const string label = "memory: 20 × 50-item batches retained";
        return
        [
            new(label, "RSS after full GC (MB)", Stats.Median(rss).ToString("0.0", inv), "≤ 120 MB", Stats.Median(rss) <= 120, Stats.Runs(rss, "0.0")),
            new(label, "managed heap (MB) / RSS before the batches (MB)", $"{Stats.Median(managed).ToString("0.0", inv)} / {Stats.Median(baseline).ToString("0.0", inv)}", "", null, ""),
        ];
    }
}
