using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>Batches started, followed and counted through <see cref="ShellServer"/>s: the process tests' one way to do each.</summary>
internal static class ProcessBatches
{
    /// <summary>Starts <paramref name="items"/> distinct items of <c>acme/gen</c> through the server's MCP client; returns the job id.</summary>
    public static Task<string> StartAsync(ShellServer server, int items, int concurrency, CancellationToken ct) =>
        StartAsync(server, items, concurrency, null, ct);

    /// <summary>As above, with an <c>idempotency_key</c> when one is given.</summary>
    public static async Task<string> StartAsync(ShellServer server, int items, int concurrency, string? idempotencyKey, CancellationToken ct)
    {
        var list = new JsonArray([.. Enumerable.Range(0, items).Select(i => (JsonNode?)new JsonObject
        {
            ["model"] = "acme/gen",
            ["input"] = new JsonObject { ["prompt"] = $"item {i}" },
        })]);
        var arguments = new Dictionary<string, object?>
        {
            ["validate"] = false,
            ["download"] = false,
            ["concurrency"] = concurrency,
            ["items"] = JsonDocument.Parse(list.ToJsonString()).RootElement,
        };
        if (idempotencyKey is not null) arguments["idempotency_key"] = idempotencyKey;
        var started = await server.Client!.CallToolAsync("replicate_batch_start", arguments, cancellationToken: ct);
        Assert.NotEqual(true, started.IsError);
        return started.StructuredContent!.Value.GetProperty("job_id").GetString()!;
    }

    /// <summary>Asks <paramref name="server"/> until the batch is no longer running (another server's job is read from its file, without waiting).</summary>
    public static async Task<JsonNode> WaitForEndAsync(ShellServer server, string jobId, TimeSpan limit, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await server.Client!.CallToolAsync("replicate_batch_status",
                new Dictionary<string, object?> { ["job_id"] = jobId, ["wait_seconds"] = 5, ["include_results"] = false }, cancellationToken: ct);
            Assert.NotEqual(true, status.IsError);
            var view = JsonNode.Parse(status.StructuredContent!.Value.GetRawText())!;
            if (view["status"]!.GetValue<string>() != "running") return view;
            Assert.True(deadline.Elapsed < limit, $"{jobId} still running after {limit.TotalSeconds} s: {view.ToJsonString()}\nserver stderr:\n{server.Stderr}");
            await Task.Delay(200, ct); // the one poll loop against a real child process
        }
    }

    /// <summary>Every one of <paramref name="items"/> distinct inputs was created at the fake, none more than once.</summary>
    public static void AssertEachCreatedOnce(StatefulReplicateFake fake, int items)
    {
        var counts = fake.Creates.GroupBy(c => c.Input).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var paidTwice = counts.Where(c => c.Value > 1).Select(c => $"{c.Key} ×{c.Value}").ToList();
        Assert.True(paidTwice.Count == 0, $"created more than once: {string.Join(", ", paidTwice)}");
        Assert.Equal(items, counts.Count);
    }
}
