using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// The server as an MCP client meets it: a process over stdio (issue 15). Works for any command: the installed Native AOT
/// tool, the installed framework-dependent (<c>any</c>) tool, <c>dotnet ReplicateMcp.dll</c>, a published apphost.
/// </summary>
internal static class ProcessFigures
{
    private const int ColdStarts = 7;
    private const int Batches = 20, ItemsPerBatch = 50;

    // Zero-latency simulated predictions, so what stays behind is the kept jobs, not work in flight. The create rate is not a
    // setting: at Replicate's 600 a minute the 1,000 predictions take ≈ 100 s.
    private static readonly string[] FastSimulator = ["--Simulator:PredictionSeconds=0"];

    /// <summary>Splits "dotnet path/ReplicateMcp.dll" into file and arguments (no quoting: paths with spaces are not supported).</summary>
    public static string[] ParseCommand(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static async Task<List<Figure>> MeasureAsync(string name, IReadOnlyList<string> command)
    {
        var label = $"process: {name}";
        var scratch = Directory.CreateTempSubdirectory("replicate-mcp-bench-process").FullName;
        try
        {
            await ColdStartAsync(command, scratch); // a first launch warms the disk cache; not counted
            var starts = new List<double>();
            var firstStarts = new List<double>();
            var idleRss = new List<double>();
            for (var run = 0; run < ColdStarts; run++)
            {
                var (initializeMs, batchStartMs, rssMb) = await ColdStartAsync(command, scratch);
                starts.Add(initializeMs);
                firstStarts.Add(batchStartMs);
                idleRss.Add(rssMb);
            }
            var inv = CultureInfo.InvariantCulture;
            var initialize = new Figure(label, $"start → initialize answered, median of {ColdStarts} (ms)", Stats.Median(starts).ToString("0", inv), "≤ 100 ms", Stats.Median(starts) <= 100, Stats.Runs(starts, "0"));
            var withHistory = await InitializeWithKeptJobsAsync(label, command, scratch);
            var idle = new Figure(label, "RSS idle after initialize (MB)", Stats.Median(idleRss).ToString("0.0", inv), "", null, Stats.Runs(idleRss, "0.0"));
            if (firstStarts.Any(double.IsNaN))
                return [initialize, withHistory, idle, new(label, "tools", "none", "10 tools", false, "initialize advertises no tools capability: the tools were trimmed away (docs/aot.md)")];
            var (keptRss, keptAnonymous, keptFile, keptSeconds) = await RssWithKeptBatchesAsync(command, scratch);
            return
            [
                initialize,
                withHistory,
                new(label, "first replicate_batch_start answer after initialize, median (ms)", Stats.Median(firstStarts).ToString("0", inv), "≤ 50 ms", Stats.Median(firstStarts) <= 50, Stats.Runs(firstStarts, "0")),
                idle,
                new(label, $"RSS with {Batches} finished {ItemsPerBatch}-item batches kept (MB)", keptRss.ToString("0.0", inv), "≤ 60 MB", keptRss <= 60,
                    $"anonymous {keptAnonymous.ToString("0.0", inv)} + file-backed {keptFile.ToString("0.0", inv)}; batches ran {keptSeconds.ToString("0.0", inv)} s"),
            ];
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            var reason = ex.Message.ReplaceLineEndings(" ");
            return [new(label, "runs", "failed", "", false, reason.Length > 200 ? reason[..200] : reason)];
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private const int KeptJobCount = 200, KeptJobItems = 50;

    /// <summary>Start → <c>initialize</c> answered with <see cref="KeptJobCount"/> finished 50-item jobs in the state folder (issue 20).</summary>
    private static async Task<Figure> InitializeWithKeptJobsAsync(string label, IReadOnlyList<string> command, string scratch)
    {
        var history = Path.Combine(scratch, "history");
        var bytes = KeptJobs.Write(Path.Combine(history, "state"), KeptJobCount, KeptJobItems);
        await InitializeMsAsync(command, history); // warms the disk cache; not counted
        var starts = new List<double>();
        for (var run = 0; run < ColdStarts; run++) starts.Add(await InitializeMsAsync(command, history));
        var inv = CultureInfo.InvariantCulture;
        return new(label, $"start → initialize answered with {KeptJobCount} kept {KeptJobItems}-item jobs, median of {ColdStarts} (ms)",
            Stats.Median(starts).ToString("0", inv), "≤ 100 ms", Stats.Median(starts) <= 100,
            $"{Stats.Runs(starts, "0")}; job files {(bytes / 1_048_576.0).ToString("0.0", inv)} MB");
    }

    private static async Task<double> InitializeMsAsync(IReadOnlyList<string> command, string scratch)
    {
        var clock = Stopwatch.StartNew();
        await using var server = StdioServer.Start(command, scratch, FastSimulator);
        await server.RequestAsync("initialize", InitializeParameters());
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Start → <c>initialize</c> answered; then the first <c>replicate_batch_start</c> (NaN when the server has no
    /// tools); RSS read between the two.</summary>
    private static async Task<(double InitializeMs, double BatchStartMs, double RssMb)> ColdStartAsync(IReadOnlyList<string> command, string scratch)
    {
        var clock = Stopwatch.StartNew();
        await using var server = StdioServer.Start(command, scratch, FastSimulator);
        var initialize = await server.RequestAsync("initialize", InitializeParameters());
        var initializeMs = clock.Elapsed.TotalMilliseconds;
        await server.NotifyAsync("notifications/initialized");
        var rss = server.ReadRssMb();
        if (initialize["capabilities"]?["tools"] is null) return (initializeMs, double.NaN, rss); // tools trimmed away
        clock.Restart();
        await StartBatchAsync(server, items: 1);
        return (initializeMs, clock.Elapsed.TotalMilliseconds, rss);
    }

    private static async Task<(double RssMb, double AnonymousMb, double FileMb, double Seconds)> RssWithKeptBatchesAsync(IReadOnlyList<string> command, string scratch)
    {
        await using var server = StdioServer.Start(command, scratch, FastSimulator);
        await server.RequestAsync("initialize", InitializeParameters());
        await server.NotifyAsync("notifications/initialized");
        var clock = Stopwatch.StartNew();
        var jobs = new List<string>();
        for (var batch = 0; batch < Batches; batch++) jobs.Add(await StartBatchAsync(server, ItemsPerBatch));
        foreach (var job in jobs)
        {
            // All batches share the create pace, so one may need several waits; wait_seconds returns as soon as it is finished.
            for (var wait = 0; ; wait++)
            {
                var status = await CallToolAsync(server, "replicate_batch_status",
                    new JsonObject { ["job_id"] = job, ["wait_seconds"] = 50, ["include_results"] = false });
                if (status["status"]?.GetValue<string>() is not ("running" or null)) break;
                if (wait == 5) throw new InvalidOperationException($"Batch {job} did not finish: {status.ToJsonString()}");
            }
        }
        return (server.ReadRssMb(), server.ReadStatusMb("RssAnon"), server.ReadStatusMb("RssFile"), clock.Elapsed.TotalSeconds);
    }

    private static async Task<string> StartBatchAsync(StdioServer server, int items)
    {
        var list = new JsonArray();
        for (var i = 0; i < items; i++)
            list.Add(new JsonObject { ["model"] = "black-forest-labs/flux-schnell", ["input"] = new JsonObject { ["prompt"] = $"a lighthouse at dusk, take {i}" } });
        var answer = await CallToolAsync(server, "replicate_batch_start",
            new JsonObject { ["items"] = list, ["concurrency"] = 10, ["download"] = false });
        return answer["job_id"]?.GetValue<string>() ?? throw new InvalidOperationException($"No job_id in {answer.ToJsonString()}");
    }

    internal static async Task<JsonNode> CallToolAsync(StdioServer server, string tool, JsonObject arguments)
    {
        var result = await server.RequestAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = arguments });
        if (result["isError"]?.GetValue<bool>() == true) throw new InvalidOperationException($"{tool} answered isError: {result["content"]?.ToJsonString()}");
        return result["structuredContent"] ?? throw new InvalidOperationException($"{tool} gave no structuredContent");
    }

    internal static JsonObject InitializeParameters() => new()
    {
        ["protocolVersion"] = "2025-06-18",
        ["capabilities"] = new JsonObject(),
        ["clientInfo"] = new JsonObject { ["name"] = "bench", ["version"] = "1.0" },
    };
}
