using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReplicateMcp.Replicate;

/// <summary>
/// Typed client over two pipelines: <c>replicate</c> for reads and cancels (pooled, retried) and
/// <c>replicate-create</c> for creates (fresh connection, retried only when Replicate provably did nothing).
/// </summary>
internal sealed class ReplicateClient(IHttpClientFactory factory) : IReplicateClient
{
    public const string ReadClientName = "replicate";
    public const string CreateClientName = "replicate-create";

    public async Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken)
    {
        var path = model.Version is null ? $"models/{model.Owner}/{model.Name}/predictions" : "predictions";
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            // Buffered, so the request carries a Content-Length instead of a chunked body.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new CreatePredictionRequest(model.Version, input), ReplicateJsonContext.Default.CreatePredictionRequest))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        if (preferWaitSeconds > 0)
            request.Headers.TryAddWithoutValidation("Prefer", $"wait={preferWaitSeconds}");
        request.Options.Set(ReplicateRequestKind.IsCreate, true);
        request.Options.Set(ReplicateRequestKind.PreferWaitSeconds, preferWaitSeconds);
        // A new connection per create: SocketsHttpHandler silently resends a request that failed on a
        // reused connection, which for a create could start a second paid prediction.
        request.Headers.ConnectionClose = true;
        return await SendAsync(factory.CreateClient(CreateClientName), request, ReplicateJsonContext.Default.Prediction, $"model {model}", cancellationToken);
    }

    public Task<Prediction> GetPredictionAsync(string predictionId, CancellationToken cancellationToken) =>
        SendAsync(Reads, new HttpRequestMessage(HttpMethod.Get, $"predictions/{CheckId(predictionId)}"), ReplicateJsonContext.Default.Prediction, $"prediction {predictionId}", cancellationToken);

    public Task<PredictionPage> ListPredictionsAsync(DateTimeOffset createdAfter, DateTimeOffset? createdBefore, string? cursor, CancellationToken cancellationToken)
    {
        var http = Reads;
        var uri = cursor is null ? PredictionListQuery.First(createdAfter, createdBefore) : PredictionListQuery.Next(cursor, http.BaseAddress);
        return SendAsync(http, new HttpRequestMessage(HttpMethod.Get, uri), ReplicateJsonContext.Default.PredictionPage, "prediction list", cancellationToken);
    }

    public Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken) =>
        SendAsync(Reads, new HttpRequestMessage(HttpMethod.Post, $"predictions/{CheckId(predictionId)}/cancel"), ReplicateJsonContext.Default.Prediction, $"prediction {predictionId}", cancellationToken);

    public Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken) =>
        SendAsync(Reads, new HttpRequestMessage(HttpMethod.Get, $"models/{owner}/{name}"), ReplicateJsonContext.Default.ModelInfo, $"model {owner}/{name}", cancellationToken);

    public Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken) =>
        SendAsync(Reads, new HttpRequestMessage(HttpMethod.Get, $"models/{owner}/{name}/versions/{versionId}"), ReplicateJsonContext.Default.ModelVersionInfo, $"model {owner}/{name}:{versionId}", cancellationToken);

    public async Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken)
    {
        var uri = $"search?query={Uri.EscapeDataString(query)}&limit={limit}";
        try
        {
            var response = await SendAsync(Reads, new HttpRequestMessage(HttpMethod.Get, uri), ReplicateJsonContext.Default.SearchResponse, "search", cancellationToken);
            return [.. response.Models.Select(h => h.Model).OfType<ModelInfo>().Take(limit)];
        }
        catch (ReplicateApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            // /search is in beta; the older model search is `QUERY /models` with the words as a plain-text body.
            var request = new HttpRequestMessage(new HttpMethod("QUERY"), "models") { Content = new StringContent(query, System.Text.Encoding.UTF8, "text/plain") };
            var page = await SendAsync(Reads, request, ReplicateJsonContext.Default.ModelPage, "model search", cancellationToken);
            return [.. page.Results.Take(limit)];
        }
    }

    public Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        // The parts belong to the form, the form to the request, and SendAsync disposes the request.
#pragma warning disable CA2000
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        // Quoted part names, as browsers and curl send them; some multipart parsers insist.
        form.Add(file, "\"content\"", "\"" + fileName.Replace("\"", "", StringComparison.Ordinal) + "\"");
        form.Add(new StringContent(fileName), "\"filename\"");
        form.Add(new StringContent(contentType), "\"type\"");
        var request = new HttpRequestMessage(HttpMethod.Post, "files") { Content = form };
#pragma warning restore CA2000
        // An upload is create-like: retried only when Replicate provably stored nothing (429, connection refused).
        request.Options.Set(ReplicateRequestKind.IsCreate, true);
        // Sending the body takes time: allow 30 s plus 10 s a megabyte (about 1 Mbit/s at worst).
        request.Options.Set(ReplicateRequestKind.AttemptTimeout, TimeSpan.FromSeconds(30 + (10 * (content.Length / (1024 * 1024)))));
        request.Headers.ConnectionClose = true;
        return SendAsync(factory.CreateClient(CreateClientName), request, ReplicateJsonContext.Default.UploadedFile, $"upload of {fileName}", cancellationToken);
    }

    private HttpClient Reads => factory.CreateClient(ReadClientName);

    /// <summary>Prediction ids go into URL paths: refuse anything that could change the path.</summary>
    internal static string CheckId(string predictionId) =>
        PredictionIds.IsValid(predictionId) ? predictionId
            : throw new ArgumentException($"'{predictionId}' is not a valid prediction id (letters and digits only).", nameof(predictionId));

    /// <summary>An error body may echo the request's headers back (a proxy does): the token never reaches a message.</summary>
    private static string Redact(string message, HttpClient http) =>
        http.DefaultRequestHeaders.Authorization?.Parameter is { Length: > 0 } token
            ? message.Replace(token, "[redacted]", StringComparison.Ordinal)
            : message;

    private static async Task<T> SendAsync<T>(HttpClient http, HttpRequestMessage request, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ReplicateApiException(response.StatusCode, Redact(ReplicateErrors.Describe(response.StatusCode, body, what), http));
            try
            {
                return JsonSerializer.Deserialize(body, type)
                    ?? throw new ReplicateApiException(response.StatusCode, $"Replicate answered {what} with an empty body.");
            }
            catch (JsonException ex)
            {
                throw new ReplicateApiException(HttpStatusCode.BadGateway, $"Replicate answered {what} with a body that is not valid JSON ({ex.Message}).");
            }
        }
    }
}
