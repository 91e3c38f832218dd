using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>Model lookups are cached for <see cref="ModelCatalog.CacheDuration"/>, fetched once however many ask, and failures are not remembered.</summary>
public sealed class ModelCatalogTests
{
    private static readonly ModelRef Flux = new("acme", "flux", null);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly GatedModelClient _client = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private ModelCatalog Catalog() => new(_client, _time);

    [Fact]
    public async Task GetModelAsync_TwiceWithinTheCacheTime_FetchesOnce()
    {
        var catalog = Catalog();
        _client.AnswerAll();

        await catalog.GetModelAsync(Flux, CT);
        _time.Advance(ModelCatalog.CacheDuration - TimeSpan.FromSeconds(1));
        await catalog.GetModelAsync(Flux, CT);

        Assert.Equal(1, _client.Fetches);
    }

    [Fact]
    public async Task GetModelAsync_AfterTheCacheTime_FetchesAgain()
    {
        var catalog = Catalog();
        _client.AnswerAll();

        await catalog.GetModelAsync(Flux, CT);
        _time.Advance(ModelCatalog.CacheDuration);
        await catalog.GetModelAsync(Flux, CT);

        Assert.Equal(2, _client.Fetches);
    }

    [Fact]
    public async Task GetModelAsync_ConcurrentCallers_ShareOneFetch()
    {
        var catalog = Catalog();

        var first = catalog.GetModelAsync(Flux, CT);
        var second = catalog.GetModelAsync(Flux, CT);
        var third = catalog.GetModelAsync(new ModelRef("ACME", "Flux", null), CT); // names are case-insensitive
        _client.AnswerAll();
        var answers = await Task.WhenAll(first, second, third);

        Assert.Equal(1, _client.Fetches);
        Assert.All(answers, a => Assert.Same(answers[0], a));
    }

    [Fact]
    public async Task GetModelAsync_NotFound_ThrowsAndTheNextCallAsksAgain()
    {
        var catalog = Catalog();
        _client.Fault = new ReplicateApiException(HttpStatusCode.NotFound, "model acme/flux: not found on Replicate (404).");
        _client.AnswerAll();

        var error = await Assert.ThrowsAsync<ReplicateApiException>(() => catalog.GetModelAsync(Flux, CT));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);

        _client.Fault = null;
        var model = await catalog.GetModelAsync(Flux, CT);

        Assert.Equal("flux", model.Name);
        Assert.Equal(2, _client.Fetches);
    }

    [Fact]
    public async Task ResolveForCreateAsync_CommunityModelWithoutVersion_PinsTheLatestVersion()
    {
        _client.Official = false;
        _client.AnswerAll();

        var resolved = await Catalog().ResolveForCreateAsync(Flux, CT);

        Assert.Equal(GatedModelClient.LatestVersion, resolved.Version);
    }

    [Fact]
    public async Task ResolveForCreateAsync_OfficialModel_KeepsOwnerAndName()
    {
        _client.AnswerAll();

        var resolved = await Catalog().ResolveForCreateAsync(Flux, CT);

        Assert.Null(resolved.Version);
    }

    /// <summary>Model lookups wait until the test opens the gate; counts every fetch.</summary>
    private sealed class GatedModelClient : IReplicateClient
    {
        public const string LatestVersion = "5599ed30703defd1d160a25a63321b4dec97101d98b4674bcc56e41f62f35637";
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _fetches;

        public int Fetches => Volatile.Read(ref _fetches);

        public Exception? Fault { get; set; }

        public bool Official { get; set; } = true;

        public void AnswerAll() => _gate.TrySetResult();

        public async Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _fetches);
            await _gate.Task.WaitAsync(cancellationToken);
            if (Fault is { } fault) throw fault;
            return new ModelInfo
            {
                Owner = owner,
                Name = name,
                IsOfficial = Official,
                LatestVersion = new ModelVersionInfo { Id = LatestVersion, OpenapiSchema = JsonDocument.Parse("{}").RootElement.Clone() },
            };
        }

        public Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Prediction> GetPredictionAsync(string predictionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<PredictionPage> ListPredictionsAsync(DateTimeOffset createdAfter, DateTimeOffset? createdBefore, string? cursor, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
