using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// One create as the client saw it, with the prediction id the fake gives it. With
/// <see cref="ScriptedReplicateClient.HoldCreates"/> it waits until the test answers it (<see cref="Release"/>, or
/// <see cref="Succeed"/>, <see cref="Fail"/>, <see cref="Start"/>).
/// </summary>
internal sealed record CreateCall(string PredictionId, ModelRef Model, JsonElement Input, int PreferWaitSeconds, CancellationToken CancellationToken)
{
    public TaskCompletionSource<Prediction> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Succeed(params string[] urls) => Release.SetResult(ScriptedReplicateClient.SucceededWithUrls(PredictionId, urls));

    public void Fail(string error) => Release.SetResult(ScriptedReplicateClient.Failed(PredictionId, error));

    /// <summary>Answers with a prediction still starting, so the runner goes on to follow it.</summary>
    public void Start() => Release.SetResult(ScriptedReplicateClient.InStatus(PredictionId, PredictionStatuses.Starting));
}

/// <summary>One <c>GET /predictions</c> as the client saw it.</summary>
internal sealed record ListCall(DateTimeOffset CreatedAfter, DateTimeOffset? CreatedBefore, string? Cursor);

/// <summary>
/// The one hand-written <see cref="IReplicateClient"/>: it records every call and answers as scripted. Creates answer
/// at once (per model, or <see cref="DefaultCreate"/>: succeeded with one URL), or wait for the test with
/// <see cref="HoldCreates"/>. It remembers every prediction it handed out (and <see cref="Seed"/>ed ones), so a GET
/// answers the last known state unless polls of that id are scripted; a cancel turns a remembered prediction canceled.
/// </summary>
internal sealed class ScriptedReplicateClient : IReplicateClient
{
    /// <summary>The version id every model's latest version has.</summary>
    public const string Version = "5599ed30703defd1d160a25a63321b4dec97101d98b4674bcc56e41f62f35637";

    private readonly ConcurrentDictionary<string, Func<CreateCall, Prediction>> _createByModel = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<Prediction>>> _polls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Prediction> _predictions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelInfo> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, JsonElement> _schemas = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<CreateCall> _heldCreates = Channel.CreateUnbounded<CreateCall>();
    private readonly Channel<string> _pollArrivals = Channel.CreateUnbounded<string>();
    private int _nextId;
    private int _uploadNumber;
    private int _activeCreates;
    private int _maxConcurrentCreates;

    public ScriptedReplicateClient()
    {
        DefaultCreate = call => SucceededWithUrls(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png");
        CancelAnswer = id => _predictions.AddOrUpdate(id,
            _ => InStatus(id, PredictionStatuses.Canceled),
            (_, p) => p.IsTerminal ? p : p with { Status = PredictionStatuses.Canceled });
    }

    /// <summary>When set, every create waits until the test answers its <see cref="CreateCall"/> (read it with <see cref="NextHeldCreateAsync"/>).</summary>
    public bool HoldCreates { get; set; }

    /// <summary>Answer to a create of a model with no script of its own; by default succeeded with one URL.</summary>
    public Func<CreateCall, Prediction> DefaultCreate { get; set; }

    /// <summary>Answer to a cancel; by default the remembered prediction, canceled unless it had already ended.</summary>
    public Func<string, Prediction> CancelAnswer { get; set; }

    /// <summary>Answer to a poll of an id with no scripted polls; by default the remembered prediction, else 404.</summary>
    public Func<string, Prediction>? GetAnswer { get; set; }

    /// <summary>Answer to a list request; by default an empty page.</summary>
    public Func<ListCall, PredictionPage> ListAnswer { get; set; } = _ => new PredictionPage();

    /// <summary>When true, a model that was not added is an official model (with the <see cref="PublishSchema">published</see> schema, if any); when false it is 404.</summary>
    public bool AnyModelIsOfficial { get; set; }

    /// <summary>Per model (owner/name): the exception its model and version lookups throw, or null.</summary>
    public Func<string, Exception?> ModelLookupFault { get; set; } = _ => null;

    /// <summary>When set, model lookups signal <see cref="ModelLookupStarted"/> and wait for this to complete.</summary>
    public TaskCompletionSource? HoldModelLookups { get; set; }

    public TaskCompletionSource ModelLookupStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When it gives an exception for a file name, that upload throws it (after being counted).</summary>
    public Func<string, Exception?> UploadFault { get; set; } = _ => null;

    /// <summary>When set, uploads wait for it before answering (to make callers overlap).</summary>
    public TaskCompletionSource? HoldUploads { get; set; }

    public ConcurrentQueue<CreateCall> Creates { get; } = new();
    public ConcurrentQueue<string> Gets { get; } = new();
    public ConcurrentQueue<string> Cancels { get; } = new();
    public ConcurrentQueue<string> ModelLookups { get; } = new();
    public ConcurrentQueue<ListCall> Lists { get; } = new();

    /// <summary>Every upload, in arrival order (file name, type, bytes).</summary>
    public ConcurrentQueue<(string FileName, string ContentType, byte[] Content)> Uploads { get; } = new();

    public int MaxConcurrentCreates => Volatile.Read(ref _maxConcurrentCreates);

    public int CreatesInFlight => Volatile.Read(ref _activeCreates);

    public string NewId() => $"pred{Interlocked.Increment(ref _nextId)}";

    public static Prediction Succeeded(string id, string outputJson = "\"done\"") =>
        new() { Id = id, Status = PredictionStatuses.Succeeded, Output = JsonDocument.Parse(outputJson).RootElement.Clone() };

    public static Prediction SucceededWithUrls(string id, params string[] urls) =>
        new() { Id = id, Status = PredictionStatuses.Succeeded, Output = JsonSerializer.SerializeToElement(urls) };

    public static Prediction Failed(string id, string error) =>
        new() { Id = id, Status = PredictionStatuses.Failed, Error = JsonSerializer.SerializeToElement(error) };

    public static Prediction InStatus(string id, string status) => new() { Id = id, Status = status };

    public void ScriptCreate(string model, Func<CreateCall, Prediction> answer) => _createByModel[model] = answer;

    /// <summary>Queues answers for polls of <paramref name="predictionId"/>: a <see cref="Prediction"/> or an <see cref="Exception"/> to throw.</summary>
    public void ScriptPolls(string predictionId, params object[] answers)
    {
        var queue = _polls.GetOrAdd(predictionId, _ => new ConcurrentQueue<Func<Prediction>>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer switch
            {
                Prediction p => () => p,
                Exception ex => () => throw ex,
                _ => throw new ArgumentException($"unsupported answer {answer}", nameof(answers)),
            });
        }
    }

    /// <summary>Makes Replicate know <paramref name="prediction"/> (created by an earlier process, say).</summary>
    public void Seed(Prediction prediction) => _predictions[prediction.Id] = prediction;

    public void AddModel(ModelInfo model) => _models[$"{model.Owner}/{model.Name}"] = model;

    /// <summary>Makes <paramref name="model"/> (owner/name) publish <paramref name="openApiJson"/> as its latest version's schema.</summary>
    public void PublishSchema(string model, string openApiJson)
    {
        using var doc = JsonDocument.Parse(openApiJson);
        _schemas[model] = doc.RootElement.Clone();
    }

    /// <summary>The next create held for an answer (in order of arrival); creates answered at once never show here.</summary>
    public ValueTask<CreateCall> NextHeldCreateAsync(CancellationToken cancellationToken) => _heldCreates.Reader.ReadAsync(cancellationToken);

    /// <summary>The id of the next poll to arrive.</summary>
    public ValueTask<string> NextPollAsync(CancellationToken cancellationToken) => _pollArrivals.Reader.ReadAsync(cancellationToken);

    public async Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken)
    {
        var call = new CreateCall(NewId(), model, input.Clone(), preferWaitSeconds, cancellationToken);
        Creates.Enqueue(call);
        var active = Interlocked.Increment(ref _activeCreates);
        InterlockedMax(ref _maxConcurrentCreates, active);
        try
        {
            Prediction answer;
            if (HoldCreates)
            {
                _heldCreates.Writer.TryWrite(call);
                answer = await call.Release.Task.WaitAsync(cancellationToken);
            }
            else
            {
                answer = (_createByModel.TryGetValue(model.FullName, out var scripted) ? scripted : DefaultCreate)(call);
            }
            _predictions[answer.Id] = answer;
            return answer;
        }
        finally
        {
            Interlocked.Decrement(ref _activeCreates);
        }
    }

    public Task<Prediction> GetPredictionAsync(string predictionId, CancellationToken cancellationToken)
    {
        Gets.Enqueue(predictionId);
        _pollArrivals.Writer.TryWrite(predictionId);
        try
        {
            if (_polls.TryGetValue(predictionId, out var queue) && queue.TryPeek(out var next))
            {
                // The last scripted answer repeats.
                if (queue.Count > 1) queue.TryDequeue(out _);
                return Task.FromResult(next());
            }
            if (GetAnswer is { } answer) return Task.FromResult(answer(predictionId));
            return _predictions.TryGetValue(predictionId, out var known)
                ? Task.FromResult(known)
                : throw new ReplicateApiException(HttpStatusCode.NotFound, $"prediction {predictionId} not found");
        }
        catch (Exception ex)
        {
            return Task.FromException<Prediction>(ex);
        }
    }

    public Task<PredictionPage> ListPredictionsAsync(DateTimeOffset createdAfter, DateTimeOffset? createdBefore, string? cursor, CancellationToken cancellationToken)
    {
        var call = new ListCall(createdAfter, createdBefore, cursor);
        Lists.Enqueue(call);
        try
        {
            return Task.FromResult(ListAnswer(call));
        }
        catch (Exception ex)
        {
            return Task.FromException<PredictionPage>(ex);
        }
    }

    private readonly Channel<string> _cancelArrivals = Channel.CreateUnbounded<string>();

    /// <summary>Waits for the next cancel to arrive (in order, from the first).</summary>
    public ValueTask<string> NextCancelAsync(CancellationToken cancellationToken) => _cancelArrivals.Reader.ReadAsync(cancellationToken);

    public Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken)
    {
        Cancels.Enqueue(predictionId);
        _cancelArrivals.Writer.TryWrite(predictionId);
        return Task.FromResult(CancelAnswer(predictionId));
    }

    public async Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken)
    {
        var full = $"{owner}/{name}";
        ModelLookups.Enqueue(full);
        if (HoldModelLookups is { } hold)
        {
            ModelLookupStarted.TrySetResult();
            await hold.Task.WaitAsync(cancellationToken);
        }
        if (ModelLookupFault(full) is { } fault) throw fault;
        if (_models.TryGetValue(full, out var model)) return model;
        if (!AnyModelIsOfficial && !_schemas.ContainsKey(full)) throw new ReplicateApiException(HttpStatusCode.NotFound, $"model {full} not found");
        return new ModelInfo
        {
            Owner = owner,
            Name = name,
            IsOfficial = true,
            Description = $"Fake model {full}",
            LatestVersion = _schemas.TryGetValue(full, out var schema) ? new ModelVersionInfo { Id = Version, OpenapiSchema = schema } : null,
        };
    }

    public Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken) =>
        ModelLookupFault($"{owner}/{name}") is { } fault
            ? Task.FromException<ModelVersionInfo>(fault)
            : Task.FromResult(new ModelVersionInfo { Id = versionId, OpenapiSchema = _schemas.TryGetValue($"{owner}/{name}", out var s) ? s : null });

    public Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelInfo>>([.. _models.Values]);

    public async Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        Uploads.Enqueue((fileName, contentType, content));
        var number = Interlocked.Increment(ref _uploadNumber); // Uploads.Count after Enqueue gave two racing uploads one id
        if (HoldUploads is { } hold) await hold.Task.WaitAsync(cancellationToken);
        if (UploadFault(fileName) is { } fault) throw fault;
        return new UploadedFile { Id = $"file{number}", Name = fileName, ContentType = contentType, Size = content.Length, Urls = new($"https://api.replicate.com/v1/files/file{number}") };
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
