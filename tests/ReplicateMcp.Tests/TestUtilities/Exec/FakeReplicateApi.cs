using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.TestUtilities.Exec;

/// <summary>One create the fake received.</summary>
internal sealed record FakeCreate(string PredictionId, ModelRef Model, JsonElement Input);

/// <summary>
/// A hand-written <see cref="IReplicateClient"/> for executor and tool tests. Creates answer at once with
/// <see cref="Respond"/>, or, with <see cref="HoldCreates"/>, wait until the test answers them through
/// <see cref="Held"/>; the fake records every create, cancel and the most creates in flight at once.
/// </summary>
internal sealed class FakeReplicateApi : IReplicateClient
{
    public const string Version = "5599ed30703defd1d160a25a63321b4dec97101d98b4674bcc56e41f62f35637";

    private readonly ConcurrentDictionary<string, Prediction> _predictions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonElement> _schemas = new(StringComparer.OrdinalIgnoreCase);
    private int _nextId;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>When true, every create waits for the test to answer it (read it from <see cref="Held"/>).</summary>
    public bool HoldCreates { get; set; }

    /// <summary>Creates waiting for an answer, in arrival order.</summary>
    public Channel<HeldCreate> Held { get; } = Channel.CreateUnbounded<HeldCreate>();

    /// <summary>The answer to a create that is not held; by default it succeeded with one URL.</summary>
    public Func<FakeCreate, Prediction> Respond { get; set; } = call => Succeeded(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png");

    public ConcurrentQueue<FakeCreate> Creates { get; } = new();

    public ConcurrentQueue<string> Cancels { get; } = new();

    public ConcurrentQueue<string> ModelLookups { get; } = new();

    /// <summary>When set, model and version lookups throw it (schema cannot be fetched).</summary>
    public Exception? ModelLookupFault { get; set; }

    /// <summary>Per model (owner/name): model and version lookups of that model throw the exception.</summary>
    public ConcurrentDictionary<string, Exception> ModelLookupFaults { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int MaxConcurrentCreates => Volatile.Read(ref _maxInFlight);

    public int CreatesInFlight => Volatile.Read(ref _inFlight);

    /// <summary>Makes <paramref name="model"/> (owner/name) publish <paramref name="openApiJson"/> as its latest version's schema.</summary>
    public void PublishSchema(string model, string openApiJson)
    {
        using var doc = JsonDocument.Parse(openApiJson);
        _schemas[model] = doc.RootElement.Clone();
    }

    /// <summary>Makes Replicate know <paramref name="prediction"/> (created by an earlier process, say).</summary>
    public void Seed(Prediction prediction) => _predictions[prediction.Id] = prediction;

    public static Prediction Succeeded(string id, params string[] urls) => new()
    {
        Id = id,
        Status = PredictionStatuses.Succeeded,
        Output = JsonSerializer.SerializeToElement(urls),
    };

    public static Prediction Failed(string id, string error) => new()
    {
        Id = id,
        Status = PredictionStatuses.Failed,
        Error = JsonSerializer.SerializeToElement(error),
    };

    public static Prediction Starting(string id) => new() { Id = id, Status = PredictionStatuses.Starting };

    public async Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken)
    {
        var call = new FakeCreate($"fake{Interlocked.Increment(ref _nextId):D4}", model, input.Clone());
        Creates.Enqueue(call);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        try
        {
            Prediction answer;
            if (HoldCreates)
            {
                var held = new HeldCreate(call);
                Held.Writer.TryWrite(held);
                answer = await held.Answer.Task.WaitAsync(cancellationToken);
            }
            else
            {
                answer = Respond(call);
            }

            _predictions[answer.Id] = answer;
            return answer;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public Task<Prediction> GetPredictionAsync(string predictionId, CancellationToken cancellationToken) =>
        _predictions.TryGetValue(predictionId, out var p)
            ? Task.FromResult(p)
            : Task.FromException<Prediction>(new ReplicateApiException(HttpStatusCode.NotFound, $"prediction {predictionId} not found"));

    /// <summary>The executor never lists; an empty page keeps the interface honest.</summary>
    public Task<PredictionPage> ListPredictionsAsync(DateTimeOffset createdAfter, DateTimeOffset? createdBefore, string? cursor, CancellationToken cancellationToken) =>
        Task.FromResult(new PredictionPage());

    public Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken)
    {
        Cancels.Enqueue(predictionId);
        var canceled = _predictions.AddOrUpdate(predictionId,
            id => new Prediction { Id = id, Status = PredictionStatuses.Canceled },
            (_, p) => p.IsTerminal ? p : p with { Status = PredictionStatuses.Canceled });
        return Task.FromResult(canceled);
    }

    public Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken)
    {
        var full = $"{owner}/{name}";
        ModelLookups.Enqueue(full);
        if ((ModelLookupFault ?? ModelLookupFaults.GetValueOrDefault(full)) is { } fault) return Task.FromException<ModelInfo>(fault);
        return Task.FromResult(new ModelInfo
        {
            Owner = owner,
            Name = name,
            IsOfficial = true,
            Description = $"Fake model {full}",
            LatestVersion = _schemas.TryGetValue(full, out var schema) ? new ModelVersionInfo { Id = Version, OpenapiSchema = schema } : null,
        });
    }

    public Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken) =>
        (ModelLookupFault ?? ModelLookupFaults.GetValueOrDefault($"{owner}/{name}")) is { } fault ? Task.FromException<ModelVersionInfo>(fault) : Task.FromResult(new ModelVersionInfo { Id = versionId, OpenapiSchema = _schemas.TryGetValue($"{owner}/{name}", out var s) ? s : null });

    public Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelInfo>>([new ModelInfo { Owner = "black-forest-labs", Name = "flux-schnell", IsOfficial = true, RunCount = 1 }]);

    /// <summary>Every <c>POST /files</c> the fake received: file name, content type and size.</summary>
    public ConcurrentQueue<(string FileName, string ContentType, int Size)> Uploads { get; } = new();

    /// <summary>When it gives an exception for a file name, that upload throws it (after being counted).</summary>
    public Func<string, Exception?> UploadFault { get; set; } = _ => null;

    public Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        Uploads.Enqueue((fileName, contentType, content.Length));
        if (UploadFault(fileName) is { } fault) return Task.FromException<UploadedFile>(fault);
        var id = $"file{Uploads.Count}";
        return Task.FromResult(new UploadedFile
        {
            Id = id, Name = fileName, ContentType = contentType, Size = content.Length,
            Urls = new UploadedFileUrls($"https://api.replicate.com/v1/files/{id}"),
        });
    }

    /// <summary>Awaits the next held create.</summary>
    public ValueTask<HeldCreate> NextHeldAsync(CancellationToken cancellationToken) => Held.Reader.ReadAsync(cancellationToken);
}

/// <summary>A create the test answers when it chooses.</summary>
internal sealed class HeldCreate(FakeCreate call)
{
    public FakeCreate Call { get; } = call;

    public TaskCompletionSource<Prediction> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id => Call.PredictionId;

    public void Succeed(params string[] urls) => Answer.SetResult(FakeReplicateApi.Succeeded(Id, urls));

    public void Fail(string error) => Answer.SetResult(FakeReplicateApi.Failed(Id, error));

    /// <summary>Answers with a prediction still starting, so the runner goes on to poll it.</summary>
    public void Start() => Answer.SetResult(FakeReplicateApi.Starting(Id));
}
