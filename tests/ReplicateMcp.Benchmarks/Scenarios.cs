using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Benchmarks;

/// <summary>The in-process scenarios: the real core against the simulator with controlled latency.</summary>
internal static class Scenarios
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>50 items, concurrency 10, 2 s predictions: makespan against ceil(50/10) × 2 s, and requests per prediction.</summary>
    public static async Task<List<Figure>> BatchAsync(int runs, bool paced)
    {
        const int items = 50, concurrency = 10;
        const double seconds = 2;
        var ideal = Math.Ceiling(items / (double)concurrency) * seconds;
        var ratios = new List<double>();
        var requests = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await using var core = await CoreHarness.StartAsync(seconds, paced: paced);
            var clock = Stopwatch.StartNew();
            var job = await core.RunAsync(Jobs.Batch(items, concurrency));
            var makespan = clock.Elapsed.TotalSeconds;
            EnsureSucceeded(job);
            ratios.Add(makespan / ideal);
            requests.Add(core.Simulator.RequestCount / (double)core.Simulator.CreatedCount);
        }
        var label = paced ? "batch 50 × c10 × 2 s (creates paced 600/min)" : "batch 50 × c10 × 2 s (pacing off)";
        return
        [
            new(label, $"makespan / ideal ({ideal:0} s)", Stats.Median(ratios).ToString("0.000", Inv), "≤ 1.03", Stats.Median(ratios) <= 1.03, Stats.Runs(ratios, "0.000")),
            new(label, "HTTP requests / prediction", Stats.Median(requests).ToString("0.00", Inv), "≤ 1.1", Stats.Median(requests) <= 1.1, Stats.Runs(requests, "0.00")),
        ];
    }

    /// <summary>The 12-step DAG with 2 s steps: makespan against its critical path (4 × 2 s).</summary>
    public static async Task<List<Figure>> DagAsync(int runs)
    {
        const double seconds = 2;
        var critical = Jobs.Dag12Depth * seconds;
        var ratios = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await using var core = await CoreHarness.StartAsync(seconds);
            var clock = Stopwatch.StartNew();
            var job = await core.RunAsync(Jobs.Dag12());
            ratios.Add(clock.Elapsed.TotalSeconds / critical);
            EnsureSucceeded(job);
        }
        const string label = "DAG 12 steps, depth 4, c5 × 2 s";
        return [new(label, $"makespan / critical path ({critical:0} s)", Stats.Median(ratios).ToString("0.000", Inv), "≤ 1.03", Stats.Median(ratios) <= 1.03, Stats.Runs(ratios, "0.000"))];
    }

    /// <summary>
    /// 8 s predictions with <c>Prefer: wait</c> capped at 1 s, so every item is polled: how long after the
    /// simulated prediction ended its item shows <c>succeeded</c> (the item's completed_at, stamped in the
    /// same store update that makes it visible to the status tools).
    /// </summary>
    public static async Task<List<Figure>> LongPredictionsAsync(int runs)
    {
        const int items = 10;
        const double seconds = 8;
        var latencies = new List<double>();
        var requests = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await using var core = await CoreHarness.StartAsync(seconds, maxPreferWaitSeconds: 1);
            var created = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            // The hold is armed right after the simulator creates the prediction (same clock, microseconds later).
            core.Simulator.HoldStarted = id => created[id] = TimeProvider.System.GetUtcNow();
            var job = await core.RunAsync(Jobs.Batch(items, items));
            EnsureSucceeded(job);
            foreach (var item in job.Items)
            {
                var finishedOnReplicate = created[item.PredictionId!] + TimeSpan.FromSeconds(seconds);
                latencies.Add((item.CompletedAt!.Value - finishedOnReplicate).TotalSeconds);
            }
            requests.Add(core.Simulator.RequestCount / (double)core.Simulator.CreatedCount);
        }
        const string label = "long predictions 8 s, Prefer: wait ≤ 1 s";
        var p50 = Stats.Median(latencies);
        return
        [
            new(label, "completion → status, p50 (s)", p50.ToString("0.000", Inv), "≤ 1 s", p50 <= 1,
                $"p90 {Stats.Percentile(latencies, 0.9).ToString("0.000", Inv)}, max {latencies.Max().ToString("0.000", Inv)}, n={latencies.Count}"),
            new(label, "HTTP requests / prediction", Stats.Median(requests).ToString("0.00", Inv), "(1 create + polls)", null, Stats.Runs(requests, "0.00")),
        ];
    }

    /// <summary>
    /// Zero-latency predictions, creates not paced: what is left is the server's own cost per prediction.
    /// The 1,000 items are one JobSpec given to JobStarter directly (the 50-item cap lives in the MCP layer).
    /// </summary>
    public static async Task<List<Figure>> OverheadAsync(int runs)
    {
        await using var core = await CoreHarness.StartAsync(0, paced: false);
        // Warm up JIT and pools, so the figures are steady-state cost, not first-call cost.
        for (var i = 0; i < 3; i++)
        {
            await core.RunAsync(Jobs.Batch(200, 10));
            await core.RunAsync(Jobs.Chain(20));
        }

        var batchWall = new List<double>();
        var batchCpu = new List<double>();
        var dagWall = new List<double>();
        var dagCpu = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var (wall, cpu) = await TimeAsync(core, Jobs.Batch(1000, 10));
            batchWall.Add(wall / 1000);
            batchCpu.Add(cpu / 1000);
            (wall, cpu) = await TimeAsync(core, Jobs.Chain(20));
            dagWall.Add(wall / 20);
            dagCpu.Add(cpu / 20);
        }
        return
        [
            new("overhead: 1,000-item batch, c10, 0 s", "wall ms / prediction", Stats.Median(batchWall).ToString("0.000", Inv), "< 1 ms", Stats.Median(batchWall) < 1, Stats.Runs(batchWall, "0.000")),
            new("overhead: 1,000-item batch, c10, 0 s", "CPU ms / prediction (incl. simulator)", Stats.Median(batchCpu).ToString("0.000", Inv), "", null, Stats.Runs(batchCpu, "0.000")),
            new("overhead: 20-step chain DAG, 0 s", "wall ms / step (sequential)", Stats.Median(dagWall).ToString("0.000", Inv), "< 1 ms", Stats.Median(dagWall) < 1, Stats.Runs(dagWall, "0.000")),
            new("overhead: 20-step chain DAG, 0 s", "CPU ms / step (incl. simulator)", Stats.Median(dagCpu).ToString("0.000", Inv), "", null, Stats.Runs(dagCpu, "0.000")),
        ];
    }

    /// <summary>
    /// Contract §3 bars: the replicate_batch_status answer for a finished 50-item image batch (2 files an item, downloads on),
    /// in bytes as sent. Sizes, not times: one run says it all.
    /// </summary>
    public static async Task<List<Figure>> AnswerSizesAsync()
    {
        var (with, without, _) = await AnswerSizes.MeasureAsync(CancellationToken.None);
        foreach (var size in new[] { with, without })
            Console.Error.WriteLine($"  include_results={size.IncludeResults.ToString().ToLowerInvariant()}: result {size.ResultBytes} B, text {size.TextBytes} B, " +
                $"structured {size.StructuredBytes} B → {(size.WithinBars ? "PASS" : "FAIL")} (bars: result ≤ {size.ResultBar} B{(size.IncludeResults ? $", text ≤ {AnswerSizes.TextBar} B" : "")})");
        const string label = "status answer, finished batch 50 × 2 images";
        static string Kb(int bytes) => (bytes / 1000.0).ToString("0.0", Inv) + " KB";
        return
        [
            new(label, "whole tools/call result, with results", Kb(with.ResultBytes), $"≤ {Kb(AnswerSizes.ResultBarWithResults)}", with.ResultBytes <= AnswerSizes.ResultBarWithResults,
                $"structured {Kb(with.StructuredBytes)}, text {Kb(with.TextBytes)}"),
            new(label, "text part, with results", Kb(with.TextBytes), $"≤ {Kb(AnswerSizes.TextBar)}", with.TextBytes <= AnswerSizes.TextBar, "1 run (deterministic)"),
            new(label, "whole tools/call result, include_results=false", Kb(without.ResultBytes), $"≤ {Kb(AnswerSizes.ResultBarWithoutResults)}", without.ResultBytes <= AnswerSizes.ResultBarWithoutResults,
                $"structured {Kb(without.StructuredBytes)}, text {Kb(without.TextBytes)}"),
        ];
    }

    private static async Task<(double WallMs, double CpuMs)> TimeAsync(CoreHarness core, JobSpec spec)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var job = await core.RunAsync(spec);
        var wall = clock.Elapsed.TotalMilliseconds;
        self.Refresh();
        EnsureSucceeded(job);
        return (wall, (self.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }

    internal static void EnsureSucceeded(Job job)
    {
        if (job.Items.Any(i => i.Status != ItemStatus.Succeeded))
            throw new InvalidOperationException($"Job {job.Id} did not succeed: " +
                string.Join("; ", job.Items.Where(i => i.Status != ItemStatus.Succeeded).Take(3).Select(i => $"{i.Key}: {i.Status} {i.Error}")));
    }
}
