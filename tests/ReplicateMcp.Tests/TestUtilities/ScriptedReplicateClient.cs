using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>One create as the client saw it; with <see cref="ScriptedReplicateClient.BlockCreates"/> it waits for <see cref="Release"/>.</summary>
internal sealed record CreateCall(ModelRef Model, JsonElement Input, int PreferWaitSeconds, CancellationToken CancellationToken)
{
    public TaskCompletionSource<Prediction> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One <c>GET /predictions</c> as the client saw it.</summary>
internal sealed record ListCall(DateTimeOffset CreatedAfter, DateTimeOffset? CreatedBefore, string? Cursor);

/// <summary>
/// An <see cref="IReplicateClient"/> whose answers are scripted per model (creates) and per prediction id (polls),
/// recording every call. Polls answer from a queue per id; the last answer repeats once the queue is down to one.
/// </summary>
internal sealed class ScriptedReplicateClient : IReplicateClient
{
    private readonly ConcurrentDictionary<string, Func<CreateCall, Prediction>> _createByModel = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<Prediction>>> _polls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelInfo> _models = new(StringComparer.Ordinal);
    private readonly Channel<CreateCall> _createArrivals = Channel.CreateUnbounded<CreateCall>();
    private readonly Channel<string> _pollArrivals = Channel.CreateUnbounded<string>();
    private int _nextId;
    private int _activeCreates;
    private int _maxConcurrentCreates;

    /// <summary>When set, every create waits until the test completes its <see cref="CreateCall.Release"/>.</summary>
    public bool BlockCreates { get; set; }

    /// <summary>Answer to a create of a model with no script of its own: succeeded at once.</summary>
    public Func<CreateCall, Prediction> DefaultCreate { get; set; }

    /// <summary>Answer to a cancel; by default the prediction comes back canceled.</summary>
    public Func<string, Prediction> CancelAnswer { get; set; } = id => new Prediction { Id = id, Status = PredictionStatuses.Canceled };

    public ConcurrentQueue<CreateCall> Creates { get; } = new();
    public ConcurrentQueue<string> Gets { get; } = new();
    public ConcurrentQueue<string> Cancels { get; } = new();
    public ConcurrentQueue<string> ModelLookups { get; } = new();
    public ConcurrentQueue<ListCall> Lists { get; } = new();

    /// <summary>Answer to a poll of an id with no scripted polls; by default there is none and the poll throws.</summary>
    public Func<string, Prediction>? GetAnswer { get; set; }

    /// <summary>Answer to a list request; by default an empty page.</summary>
    public Func<ListCall, PredictionPage> ListAnswer { get; set; } = _ => new PredictionPage();

    public int MaxConcurrentCreates => Volatile.Read(ref _maxConcurrentCreates);

    public ScriptedReplicateClient()
    {
        DefaultCreate = _ => Succeeded(NewId());
    }

    public string NewId() => $"pred{Interlocked.Increment(ref _nextId)}";

    public static Prediction Succeeded(string id, string outputJson = "\"done\"") =>
        new() { Id = id, Status = PredictionStatuses.Succeeded, Output = JsonDocument.Parse(outputJson).RootElement.Clone() };

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

    public void AddModel(ModelInfo model) => _models[$"{model.Owner}/{model.Name}"] = model;

    /// <summary>The next create to arrive (in order of arrival).</summary>
    public ValueTask<CreateCall> NextCreateAsync(CancellationToken cancellationToken) => _createArrivals.Reader.ReadAsync(cancellationToken);

    /// <summary>The id of the next poll to arrive.</summary>
    public ValueTask<string> NextPollAsync(CancellationToken cancellationToken) => _pollArrivals.Reader.ReadAsync(cancellationToken);

    public async Task<Prediction> CreatePredictionAsync(ModelRef model, JsonElement input, int preferWaitSeconds, CancellationToken cancellationToken)
    {
        var call = new CreateCall(model, input, preferWaitSeconds, cancellationToken);
        Creates.Enqueue(call);
        var active = Interlocked.Increment(ref _activeCreates);
        InterlockedMax(ref _maxConcurrentCreates, active);
        try
        {
            _createArrivals.Writer.TryWrite(call);
            if (BlockCreates) return await call.Release.Task;
            var answer = _createByModel.TryGetValue(model.FullName, out var scripted) ? scripted : DefaultCreate;
            return answer(call);
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
        if ((!_polls.TryGetValue(predictionId, out var queue) || queue.IsEmpty) && GetAnswer is { } answer)
        {
            try
            {
                return Task.FromResult(answer(predictionId));
            }
            catch (Exception ex)
            {
                return Task.FromException<Prediction>(ex);
            }
        }
        if (queue is null || !queue.TryPeek(out var next))
            throw new InvalidOperationException($"No poll answer scripted for {predictionId}.");
        if (queue.Count > 1) queue.TryDequeue(out _);
        try
        {
            return Task.FromResult(next());
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

    public Task<Prediction> CancelPredictionAsync(string predictionId, CancellationToken cancellationToken)
    {
        Cancels.Enqueue(predictionId);
        return Task.FromResult(CancelAnswer(predictionId));
    }

    /// <summary>When set, model lookups signal <see cref="ModelLookupStarted"/> and wait for this to complete.</summary>
    public TaskCompletionSource? HoldModelLookups { get; set; }

    public TaskCompletionSource ModelLookupStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<ModelInfo> GetModelAsync(string owner, string name, CancellationToken cancellationToken)
    {
        ModelLookups.Enqueue($"{owner}/{name}");
        if (HoldModelLookups is { } hold)
        {
            ModelLookupStarted.TrySetResult();
            await hold.Task;
        }
        return _models.TryGetValue($"{owner}/{name}", out var model)
            ? model
            : throw new ReplicateApiException(System.Net.HttpStatusCode.NotFound, $"model {owner}/{name} not found");
    }

    public Task<ModelVersionInfo> GetModelVersionAsync(string owner, string name, string versionId, CancellationToken cancellationToken) =>
        Task.FromResult(new ModelVersionInfo { Id = versionId });

    public Task<IReadOnlyList<ModelInfo>> SearchModelsAsync(string query, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelInfo>>([.. _models.Values]);

    /// <summary>Every upload, in arrival order (file name, type, bytes).</summary>
    public ConcurrentQueue<(string FileName, string ContentType, byte[] Content)> Uploads { get; } = new();

    /// <summary>When set, uploads wait for it before answering (to make callers overlap).</summary>
    public TaskCompletionSource? HoldUploads { get; set; }

    public async Task<UploadedFile> UploadFileAsync(string fileName, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        Uploads.Enqueue((fileName, contentType, content));
        var number = Uploads.Count;
        if (HoldUploads is { } hold) await hold.Task.WaitAsync(cancellationToken);
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
