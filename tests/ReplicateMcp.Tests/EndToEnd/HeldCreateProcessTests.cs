using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>
/// CONTRACT §6, exactly once, while creates are held open by <c>Prefer: wait</c> (their ids not yet answered): the
/// server stopped the way clients stop it — its stdin closed on quit, or its process group killed — and the next
/// server started at once on the same state dir, without waiting for the old one to be reaped. The next server must
/// find the held predictions on Replicate instead of paying for them again.
/// </summary>
public sealed class HeldCreateProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rmcp-held-").FullName;
    private readonly List<ShellServer> _servers = [];

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientQuits_WhileCreatesHeld_NextServerFindsThemAndEachItemIsCreatedOnce()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(6), holdCreates: true);
        var first = await StartServerAsync(fake);
        var jobId = await ProcessBatches.StartAsync(first, items: 3, concurrency: 3, CT);
        await AllCreatesArrivedAsync(fake, 3);

        first.CloseStdin(); // what Claude Desktop does on quit
        var second = await StartServerAsync(fake);

        await AssertEndsWithEachCreatedOnceAsync(fake, second, jobId, 3);
    }

    [Fact]
    public async Task ServerKilled_WhileCreatesHeld_NextServerFindsThemAndEachItemIsCreatedOnce()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(6), holdCreates: true);
        var first = await StartServerAsync(fake);
        var jobId = await ProcessBatches.StartAsync(first, items: 3, concurrency: 3, CT);
        await AllCreatesArrivedAsync(fake, 3);

        first.KillGroup();
        var second = await StartServerAsync(fake);

        await AssertEndsWithEachCreatedOnceAsync(fake, second, jobId, 3);
    }

    /// <summary>The fake has seen every create, and holds each open: the moment a quit or kill hurts most.</summary>
    private static async Task AllCreatesArrivedAsync(StatefulReplicateFake fake, int creates)
    {
        for (var i = 0; i < creates; i++) await fake.NextCreateAsync(CT).WaitAsync(TimeSpan.FromSeconds(20), CT);
    }

    private static async Task AssertEndsWithEachCreatedOnceAsync(StatefulReplicateFake fake, ShellServer next, string jobId, int items)
    {
        var view = await ProcessBatches.WaitForEndAsync(next, jobId, TimeSpan.FromSeconds(20), CT);
        Assert.True(fake.Creates.Count == items, $"creates at the fake: {fake.Creates.Count}, for {items} items\nnext server:\n{next.Stderr}");
        ProcessBatches.AssertEachCreatedOnce(fake, items);
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        Assert.Equal(items, view["succeeded"]!.GetValue<int>());
    }

    private async Task<ShellServer> StartServerAsync(StatefulReplicateFake fake)
    {
        var server = await ShellServer.StartAsync(fake.ApiUrl, _root, CT);
        lock (_servers) _servers.Add(server);
        return server;
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
