using System.Net;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>Model lookups are cached for <see cref="ModelCatalog.CacheDuration"/>, fetched once however many ask, and failures are not remembered.</summary>
public sealed class ModelCatalogTests
{
    private static readonly ModelRef Flux = new("acme", "flux", null);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TaskCompletionSource _lookups = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ScriptedReplicateClient _client;

    public ModelCatalogTests() => _client = new() { AnyModelIsOfficial = true, HoldModelLookups = _lookups };

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private ModelCatalog Catalog() => new(_client, _time);

    [Fact]
    public async Task GetModelAsync_TwiceWithinTheCacheTime_FetchesOnce()
    {
        var catalog = Catalog();
        _lookups.TrySetResult();

        await catalog.GetModelAsync(Flux, CT);
        _time.Advance(ModelCatalog.CacheDuration - TimeSpan.FromSeconds(1));
        await catalog.GetModelAsync(Flux, CT);

        Assert.Single(_client.ModelLookups);
    }

    [Fact]
    public async Task GetModelAsync_AfterTheCacheTime_FetchesAgain()
    {
        var catalog = Catalog();
        _lookups.TrySetResult();

        await catalog.GetModelAsync(Flux, CT);
        _time.Advance(ModelCatalog.CacheDuration);
        await catalog.GetModelAsync(Flux, CT);

        Assert.Equal(2, _client.ModelLookups.Count);
    }

    [Fact]
    public async Task GetModelAsync_ConcurrentCallers_ShareOneFetch()
    {
        var catalog = Catalog();

        var first = catalog.GetModelAsync(Flux, CT);
        var second = catalog.GetModelAsync(Flux, CT);
        var third = catalog.GetModelAsync(new ModelRef("ACME", "Flux", null), CT); // names are case-insensitive
        _lookups.TrySetResult();
        var answers = await Task.WhenAll(first, second, third);

        Assert.Single(_client.ModelLookups);
        Assert.All(answers, a => Assert.Same(answers[0], a));
    }

    [Fact]
    public async Task GetModelAsync_NotFound_ThrowsAndTheNextCallAsksAgain()
    {
        var catalog = Catalog();
        _client.ModelLookupFault = _ => new ReplicateApiException(HttpStatusCode.NotFound, "model acme/flux: not found on Replicate (404).");
        _lookups.TrySetResult();

        var error = await Assert.ThrowsAsync<ReplicateApiException>(() => catalog.GetModelAsync(Flux, CT));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);

        _client.ModelLookupFault = _ => null;
        var model = await catalog.GetModelAsync(Flux, CT);

        Assert.Equal("flux", model.Name);
        Assert.Equal(2, _client.ModelLookups.Count);
    }

    [Fact]
    public async Task ResolveForCreateAsync_CommunityModelWithoutVersion_PinsTheLatestVersion()
    {
        _client.AddModel(new ModelInfo { Owner = "acme", Name = "flux", IsOfficial = false, LatestVersion = new ModelVersionInfo { Id = ScriptedReplicateClient.Version } });
        _lookups.TrySetResult();

        var resolved = await Catalog().ResolveForCreateAsync(Flux, CT);

        Assert.Equal(ScriptedReplicateClient.Version, resolved.Version);
    }

    [Fact]
    public async Task ResolveForCreateAsync_OfficialModel_KeepsOwnerAndName()
    {
        _lookups.TrySetResult();

        var resolved = await Catalog().ResolveForCreateAsync(Flux, CT);

        Assert.Null(resolved.Version);
    }
}
