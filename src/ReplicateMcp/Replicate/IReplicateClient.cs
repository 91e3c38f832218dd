using System.Text.Json;

namespace ReplicateMcp.Replicate;

/// <summary>The Replicate HTTP API, as far as this server uses it.</summary>
internal interface IReplicateClient
{
    /// <summary>Creates a prediction; <paramref name="model"/> without a version uses the official-model route.</summary>
    Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken);

    Task<Prediction> GetPredictionAsync(string predictionId, CancellationToken cancellationToken);

    /// <summary>
    /// One page of <c>GET /predictions</c>: predictions created at or after <paramref name="createdAfter"/> (and before
    /// <paramref name="createdBefore"/>), newest first, 100 a page; <paramref name="cursor"/> is a page's <c>next</c>.
    /// Both bounds are in Replicate's clock (see <see cref="ReplicateClock"/>).
    /// </summary>
    Task<PredictionPage> ListPredictionsAsync(DateTimeOffset createdAfter, DateTimeOffset? createdBefore, string? cursor, CancellationToken cancellationToken);

    Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken);

    Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken);

    Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken);

    /// <summary>Uploads a file with <c>POST /files</c>; its <c>urls.get</c> can then be given as a model input.</summary>
    Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken);
}
