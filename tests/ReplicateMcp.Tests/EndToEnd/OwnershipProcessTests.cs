using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>
/// CONTRACT §6 (ownership, backends do not mix, exactly once) with servers stopped the way clients stop them: the
/// process group killed with <c>kill -9</c> and the next server started at once, while the killed one is a zombie.
/// </summary>
public sealed class OwnershipProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rmcp-owner-").FullName;
    private readonly List<ShellServer> _servers = [];

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledServer_NextServerStartedAtOnce_AdoptsTheJobAndEndsIt()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(2));
        var first = await StartServerAsync(fake);
        var jobId = await StartBatchAsync(first, items: 4, concurrency: 2);
        await WaitUntilSavedAsync(jobId, predictions: 2, first);

        first.KillGroup();
        var second = await StartServerAsync(fake);

        var view = await WaitForBatchAsync(second, jobId, TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        AssertEachCreatedOnce(fake, 4);
    }

    [Fact]
    public async Task OwnerKilled_ServerAlreadyRunning_AdoptsTheOrphanWithinFiveSeconds()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(1));
        var bystander = await StartServerAsync(fake);
        var owner = await StartServerAsync(fake);
        var jobId = await StartBatchAsync(owner, items: 3, concurrency: 1);
        await WaitUntilSavedAsync(jobId, predictions: 1, owner);

        var ownerBefore = OwnerIdOf(jobId);
        owner.KillGroup();
        var killedAt = Stopwatch.StartNew();
        await WaitUntilAsync(() => OwnerIdOf(jobId) is { } id && id != ownerBefore, TimeSpan.FromSeconds(5),
            () => $"job file: {File.ReadAllText(JobFile(jobId))}\nbystander:\n{bystander.Stderr}");
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(5));

        var view = await WaitForBatchAsync(bystander, jobId, TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        AssertEachCreatedOnce(fake, 3);
    }

    [Fact]
    public async Task OwnerQuits_ServerAlreadyRunning_AdoptsWhatItLeftWithinFiveSeconds()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(1));
        var bystander = await StartServerAsync(fake);
        var owner = await StartServerAsync(fake);
        var jobId = await StartBatchAsync(owner, items: 3, concurrency: 1);
        await WaitUntilSavedAsync(jobId, predictions: 1, owner);

        owner.CloseStdin(); // what a client does on quit or reload
        await owner.WaitForExitAsync(CT);
        var quitAt = Stopwatch.StartNew();
        var view = await WaitForBatchAsync(bystander, jobId, TimeSpan.FromSeconds(30));

        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        Assert.Contains($"Adopted job {jobId}", bystander.Stderr, StringComparison.Ordinal);
        AssertEachCreatedOnce(fake, 3);
        Assert.True(quitAt.Elapsed < TimeSpan.FromSeconds(5) + 3 * fake.Duration, $"ended {quitAt.Elapsed} after the quit");
    }

    [Fact]
    public async Task OwnerKilled_TwoServersStartTogether_ExactlyOneAdoptsAndEachItemIsCreatedOnce()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(1));
        var owner = await StartServerAsync(fake);
        var jobId = await StartBatchAsync(owner, items: 6, concurrency: 1);
        await WaitUntilSavedAsync(jobId, predictions: 1, owner);

        owner.KillGroup();
        var both = await Task.WhenAll(StartServerAsync(fake), StartServerAsync(fake));

        var view = await WaitForBatchAsync(both[0], jobId, TimeSpan.FromSeconds(40));
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        AssertEachCreatedOnce(fake, 6);
        var adopted = both.Count(s => s.Stderr.Contains($"Adopted job {jobId}", StringComparison.Ordinal));
        Assert.True(adopted == 1, $"servers that adopted {jobId}: {adopted}\nA:\n{both[0].Stderr}\nB:\n{both[1].Stderr}");
    }

    [Fact]
    public async Task RunSimulate_BesideAnUnfinishedRealJob_LeavesItToARealServer()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(30));
        var real = await StartServerAsync(fake);
        var jobId = await StartBatchAsync(real, items: 3, concurrency: 1);
        await WaitUntilSavedAsync(jobId, predictions: 1, real);
        real.CloseStdin(); // the client quits: the job is unfinished and its owner gone
        await real.WaitForExitAsync(CT);
        var before = JsonNode.Parse(File.ReadAllText(JobFile(jobId)))!["items"]!.ToJsonString();

        var runFile = Path.Combine(_root, "batch.json");
        await File.WriteAllTextAsync(runFile, """{"items": [{"model": "black-forest-labs/flux-schnell", "input": {"prompt": "sim"}}]}""", CT);
        var (exitCode, stderr) = await ShellServer.RunToEndAsync(null, _root, CT, runFile, "--simulate");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(before, JsonNode.Parse(File.ReadAllText(JobFile(jobId)))!["items"]!.ToJsonString());
        Assert.Single(fake.Creates);
    }

    /// <summary>
    /// Sixteen items under repeated <c>kill -9</c> at random moments, each followed at once by a new server: every job
    /// ends and the fake counts one create per item.
    /// </summary>
    [Fact]
    public async Task Batch_RepeatedKillsAtRandomMoments_EndsWithOneCreatePerItem()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(1.5));
        var random = new Random(13);
        var server = await StartServerAsync(fake);
        var jobId = await StartBatchAsync(server, items: 16, concurrency: 4);
        for (var kill = 0; kill < 6; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 2000)), CT); // a random moment, not synchronisation
            server.KillGroup();
            server = await StartServerAsync(fake);
        }

        var view = await WaitForBatchAsync(server, jobId, TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        AssertEachCreatedOnce(fake, 16);
    }

    private async Task<ShellServer> StartServerAsync(StatefulReplicateFake fake)
    {
        var server = await ShellServer.StartAsync(fake.ApiUrl, _root, CT);
        lock (_servers) _servers.Add(server);
        return server;
    }

    private static Task<string> StartBatchAsync(ShellServer server, int items, int concurrency) =>
        ProcessBatches.StartAsync(server, items, concurrency, CT);

    private static Task<JsonNode> WaitForBatchAsync(ShellServer server, string jobId, TimeSpan limit) =>
        ProcessBatches.WaitForEndAsync(server, jobId, limit, CT);

    private static void AssertEachCreatedOnce(StatefulReplicateFake fake, int items) => ProcessBatches.AssertEachCreatedOnce(fake, items);

    /// <summary>
    /// Waits until the job file holds <paramref name="predictions"/> prediction ids: ownership is tested here, so the kill
    /// comes after the ids are saved (a kill between a create and its saved id is the prediction level's case, H13a).
    /// </summary>
    private async Task WaitUntilSavedAsync(string jobId, int predictions, ShellServer owner) =>
        await WaitUntilAsync(() => SavedPredictionIds(jobId) >= predictions, TimeSpan.FromSeconds(30), () => owner.Stderr);

    private int SavedPredictionIds(string jobId)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(JobFile(jobId)))!["items"]!.AsArray().Count(i => i?["prediction_id"] is JsonValue);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return 0;
        }
    }

    private string JobFile(string jobId) => Path.Combine(_root, "state", "jobs", jobId + ".json");

    private string? OwnerIdOf(string jobId)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(JobFile(jobId)))?["owner_id"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The one poll loop against real child processes (their state is not observable otherwise).</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, Func<string> explain)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < limit, $"not within {limit.TotalSeconds} s: " + explain());
            await Task.Delay(50, CT);
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
