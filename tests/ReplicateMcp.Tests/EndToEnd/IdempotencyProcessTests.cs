using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>
/// CONTRACT §6 "Idempotency keys hold across processes": a start repeated with a key that a server running beside
/// this one (or one it replaced) used a moment ago answers that job and creates nothing. On fea536c each server looked
/// only among the jobs it had loaded, so two servers sharing a state folder each started the batch.
/// </summary>
public sealed class IdempotencyProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rmcp-keys-").FullName;
    private readonly List<ShellServer> _servers = [];

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SameKeyAtTwoServersBesideEachOther_AtOnce_OneJobAndItsItemsCreatedOnce()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(1));
        var servers = await Task.WhenAll(StartServerAsync(fake), StartServerAsync(fake));

        var ids = await Task.WhenAll(servers.Select(s => StartKeyedAsync(s, "order-42")));

        Assert.Equal(ids[0], ids[1]);
        var view = await ProcessBatches.WaitForEndAsync(servers[0], ids[0], TimeSpan.FromSeconds(30), CT);
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        ProcessBatches.AssertEachCreatedOnce(fake, 3);
    }

    [Fact]
    public async Task SameKeyAtTheServerThatReplacedAKilledOne_AnswersTheFirstJob()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(1));
        var first = await StartServerAsync(fake);
        var id = await StartKeyedAsync(first, "order-43");

        first.KillGroup();
        var second = await StartServerAsync(fake);

        Assert.Equal(id, await StartKeyedAsync(second, "order-43"));
        await ProcessBatches.WaitForEndAsync(second, id, TimeSpan.FromSeconds(30), CT);
        ProcessBatches.AssertEachCreatedOnce(fake, 3);
    }

    private static Task<string> StartKeyedAsync(ShellServer server, string key) =>
        ProcessBatches.StartAsync(server, items: 3, concurrency: 3, key, CT);

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
