using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// What following predictions costs and how late it is (issue 13, CONTRACT §5), for the server as a process over stdio
/// against <see cref="ReplicateHttpFake"/>: (A) 10 predictions of 8 s with <c>Prefer: wait</c> capped at 1 s: the lag
/// from the moment the fake made a prediction terminal to the moment <c>replicate_batch_status</c> shows it finished,
/// and the requests per prediction; (B) 20 predictions in flight: the requests a second the whole process sends.
/// </summary>
internal static class Following
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(8), Long = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(50), Window = TimeSpan.FromSeconds(10);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<List<Figure>> MeasureAsync(string name, IReadOnlyList<string> command, int runs)
    {
        var figures = new List<Figure>();
        var lags = new List<double>();
        var answered = new List<double>();
        var perPrediction = new List<double>();
        var kinds = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            var (runLags, runAnswered, requests) = await TenShortAsync(command);
            lags.AddRange(runLags);
            answered.AddRange(runAnswered);
            perPrediction.Add(requests.Count / 10.0);
            kinds.Add(ByKind(requests, 10.0));
            Console.Error.WriteLine($"  run {run + 1}: lag p50 {Stats.Median(runLags):0.000} s (answered {Stats.Median(runAnswered):0.000} s), {requests.Count / 10.0:0.0} requests / prediction ({kinds[^1]})");
        }
        var a = $"following ({name}): 10 × 8 s, Prefer: wait ≤ 1 s";
        var p50 = Stats.Median(lags);
        figures.Add(new(a, "terminal on Replicate → shown by replicate_batch_status, p50 (s)", p50.ToString("0.000", Inv), "≤ 0.5 s", p50 <= 0.5,
            $"p90 {Stats.Percentile(lags, 0.9):0.000}, max {lags.Max():0.000}, n={lags.Count}; of which until an answer showed it terminal: p50 {Stats.Median(answered):0.000}"));
        var requestsEach = Stats.Median(perPrediction);
        figures.Add(new(a, "HTTP requests / prediction", requestsEach.ToString("0.00", Inv), "≤ 3", requestsEach <= 3,
            $"{Stats.Runs(perPrediction, "0.00")}; by kind (run 1) {kinds[0]}"));

        var window = await TwentyInFlightAsync(command);
        // From the spacing of the requests, not their count: a tick landing just inside either edge of the window would
        // count 21 for 20 intervals.
        var rate = window.Count < 2 ? double.NaN : (window.Count - 1) / (window[^1].At - window[0].At).TotalSeconds;
        figures.Add(new($"following ({name}): 20 in flight, Prefer: wait ≤ 1 s", $"HTTP requests / s, process-wide ((n − 1) / first → last, {Window.TotalSeconds:0} s window)",
            rate.ToString("0.00", Inv), "≤ 2 / s", rate <= 2, $"{window.Count} requests in the window: {ByKind(window, 1)}"));
        return figures;
    }

    private static string ByKind(IReadOnlyList<ReplicateHttpFake.Seen> requests, double per) =>
        string.Join(", ", requests.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count() / per:0.##}"));

    /// <summary>
    /// Scenario A: every prediction's lag (s), the part of it until one of the fake's answers showed it terminal (the
    /// rest is the server's own work and the 50 ms status poll), and every request the fake received.
    /// </summary>
    private static async Task<(List<double> Lags, List<double> Answered, IReadOnlyList<ReplicateHttpFake.Seen> Requests)> TenShortAsync(IReadOnlyList<string> command)
    {
        await using var fake = new ReplicateHttpFake(Short);
        var scratch = Directory.CreateTempSubdirectory("replicate-mcp-bench-following").FullName;
        try
        {
            await using (var server = await StartAsync(command, scratch, fake))
            {
                var job = await StartBatchAsync(server, "A", 10);
                var shownAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    // A status read costs the server no request to Replicate; polled often, it sees each item as it finishes.
                    var status = await ProcessFigures.CallToolAsync(server, "replicate_batch_status", new JsonObject { ["job_id"] = job, ["include_results"] = false });
                    var now = DateTimeOffset.UtcNow;
                    foreach (var item in status["items"]!.AsArray())
                        if (item!["status"]!.GetValue<string>() is not ("queued" or "running") && item["prediction_id"]?.GetValue<string>() is { } id)
                            shownAt.TryAdd(id, now);
                    if (status["status"]!.GetValue<string>() != "running") break;
                    if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException($"Batch {job} did not finish in 60 s: {status.ToJsonString()}");
                    await Task.Delay(StatusPoll);
                }
                var terminalAt = fake.TerminalAt;
                if (shownAt.Count != 10 || terminalAt.Count != 10)
                    throw new InvalidOperationException($"Expected 10 predictions, saw {terminalAt.Count} created and {shownAt.Count} finished.");
                var answeredAt = fake.FirstShownTerminalAt;
                return ([.. shownAt.Select(s => (s.Value - terminalAt[s.Key]).TotalSeconds)],
                    [.. answeredAt.Select(s => (s.Value - terminalAt[s.Key]).TotalSeconds)], fake.Requests);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Scenario B: the requests received in a window once 20 long predictions are created and followed.</summary>
    private static async Task<List<ReplicateHttpFake.Seen>> TwentyInFlightAsync(IReadOnlyList<string> command)
    {
        await using var fake = new ReplicateHttpFake(Long);
        var scratch = Directory.CreateTempSubdirectory("replicate-mcp-bench-following").FullName;
        try
        {
            await using var server = await StartAsync(command, scratch, fake);
            // Two batches: a batch runs at most 10 at once; the process, 20 by default.
            await StartBatchAsync(server, "B1", 10);
            await StartBatchAsync(server, "B2", 10);
            var clock = Stopwatch.StartNew();
            while (fake.Requests.Count(r => r.Kind == "create") < 20)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("20 creates did not arrive in 30 s.");
                await Task.Delay(100);
            }
            // Past the 1 s hold of the last creates: from here on only following sends requests.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var from = DateTimeOffset.UtcNow;
            await Task.Delay(Window);
            return [.. fake.Requests.Where(r => r.At >= from && r.At < from + Window).OrderBy(r => r.At)];
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<StdioServer> StartAsync(IReadOnlyList<string> command, string scratch, ReplicateHttpFake fake)
    {
        var server = StdioServer.Start(command, scratch, [], new Dictionary<string, string>
        {
            ["REPLICATE_BASE_URL"] = fake.ApiUrl,
            ["REPLICATE_API_TOKEN"] = "r8_benchmark",
            ["REPLICATE_MCP_PREFER_WAIT_SECONDS"] = "1",
        });
        await server.RequestAsync("initialize", ProcessFigures.InitializeParameters());
        await server.NotifyAsync("notifications/initialized");
        return server;
    }

    private static async Task<string> StartBatchAsync(StdioServer server, string tag, int items)
    {
        var list = new JsonArray();
        for (var i = 0; i < items; i++)
            list.Add(new JsonObject { ["model"] = "black-forest-labs/flux-schnell", ["input"] = new JsonObject { ["prompt"] = $"a lighthouse at dusk, {tag} take {i}" } });
        var answer = await ProcessFigures.CallToolAsync(server, "replicate_batch_start",
            new JsonObject { ["items"] = list, ["concurrency"] = 10, ["download"] = false, ["validate"] = false });
        return answer["job_id"]?.GetValue<string>() ?? throw new InvalidOperationException($"No job_id in {answer.ToJsonString()}");
    }
}
