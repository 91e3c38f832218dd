using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>
/// An in-process stand-in for the Replicate HTTP API and its file host. It sits under the real HTTP client as the
/// primary handler, so simulate mode runs the production request, parsing and download code unchanged.
/// One instance serves every client of the process; disposing it releases nothing, so IHttpClientFactory's
/// handler rotation cannot lose its predictions.
/// </summary>
internal sealed class SimulatedReplicateHandler : HttpMessageHandler
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int MaxRememberedVersions = 1_000;

    private readonly SimulatorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SimulatedPredictions _predictions;

    // Versions this process has handed out, so a create by version knows which model it runs.
    private readonly ConcurrentDictionary<string, string> _versionModels = new(StringComparer.OrdinalIgnoreCase);
    private readonly SimulatedUploads _uploads = new();
    private readonly SimulatedFlakiness _flakiness;
    private int _createdCount;
    private int _requestCount;

    public SimulatedReplicateHandler(SimulatorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!options.BaseUrl.IsAbsoluteUri || !options.BaseUrl.AbsolutePath.EndsWith('/'))
        {
            throw new ArgumentException($"BaseUrl must be absolute and end in '/': '{options.BaseUrl}'.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.PredictionDuration, TimeSpan.Zero, nameof(options.PredictionDuration));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StartingDuration, TimeSpan.Zero, nameof(options.StartingDuration));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.FileHost, nameof(options.FileHost));
        _options = options;
        _timeProvider = timeProvider;
        _predictions = new SimulatedPredictions(options, timeProvider);
        _flakiness = new SimulatedFlakiness(options.FlakyMemoryDirectory, timeProvider);
    }

    /// <summary>Predictions created so far.</summary>
    public int CreatedCount => Volatile.Read(ref _createdCount);

    /// <summary>Predictions kept (old finished ones are forgotten, see <see cref="SimulatedPredictions"/>).</summary>
    public int KeptCount => _predictions.Count;

    /// <summary>Requests received so far (API and files).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Test hook: called with the prediction id once a <c>Prefer: wait</c> hold has armed its timer.</summary>
    internal Action<string>? HoldStarted { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requestCount);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (string.Equals(uri.Host, _options.FileHost, StringComparison.OrdinalIgnoreCase))
        {
            return ServeFile(request, uri);
        }

        if (ApiPath(uri) is not { } path)
        {
            return SimulatorJson.NotFound(request);
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        // Each arm makes the one response that is returned; the HTTP client disposes it.
#pragma warning disable CA2000
        return (request.Method.Method, segments) switch
        {
            ("POST", ["predictions"]) => await CreateAsync(request, null, cancellationToken),
            ("POST", ["models", var owner, var name, "predictions"]) => await CreateAsync(request, owner + "/" + name, cancellationToken),
            ("GET", ["predictions"]) => List(request, uri),
            ("GET", ["predictions", var id]) => Get(request, id),
            ("POST", ["predictions", var id, "cancel"]) => Cancel(request, id),
            ("GET", ["models", var owner, var name]) => GetModel(request, owner, name),
            ("GET", ["models", var owner, var name, "versions", var version]) => GetVersion(request, owner, name, version),
            ("GET", ["search"]) => Search(request, uri),
            ("POST", ["files"]) => await UploadAsync(request, cancellationToken),
            ("GET", ["files", var fileId]) => GetUpload(request, fileId, download: false),
            ("GET", ["files", var fileId, "download"]) => GetUpload(request, fileId, download: true),
            _ => SimulatorJson.NotFound(request),
        };
#pragma warning restore CA2000
    }

    private string? ApiPath(Uri uri)
    {
        var root = _options.BaseUrl;
        if (Uri.Compare(uri, root, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return null;
        }

        return uri.AbsolutePath.StartsWith(root.AbsolutePath, StringComparison.Ordinal) ? uri.AbsolutePath[root.AbsolutePath.Length..] : null;
    }

    private async Task<HttpResponseMessage> CreateAsync(HttpRequestMessage request, string? modelRoute, CancellationToken cancellationToken)
    {
        var body = await SimulatedRequest.ReadObjectAsync(request, cancellationToken);
        if (body is not { } json)
        {
            return SimulatorJson.Problem(request, HttpStatusCode.BadRequest, "Bad request", "The request body must be a JSON object.");
        }

        string model;
        string version;
        if (modelRoute is not null)
        {
            if (ModelFamilies.IsMissing(modelRoute))
            {
                return SimulatorJson.NotFound(request);
            }

            model = modelRoute;
            version = ModelFamilies.IsOfficial(model[..model.IndexOf('/', StringComparison.Ordinal)]) ? "hidden" : SimulatedModelCatalog.LatestVersionId(model);
        }
        else
        {
            if (SimulatedRequest.ReadString(json, "version") is not { } requested)
            {
                return SimulatorJson.InvalidField(request, "required", "", "version is required");
            }

            // Accept a "owner/name:version" form the way the real API does, then keep the bare version.
            version = requested[(requested.LastIndexOf(':') + 1)..].ToLowerInvariant();
            if (!SimulatedRequest.IsVersionId(version))
            {
                return SimulatorJson.Problem(request, HttpStatusCode.UnprocessableEntity, "Invalid version or not permitted",
                    "The specified version does not exist (or perhaps you don't have permission to use it?)");
            }

            // A version the simulator never served still runs (as an image model), so ids copied from real
            // Replicate work offline too.
            model = _versionModels.TryGetValue(version, out var known) ? known
                : SimulatedModelCatalog.ModelOfVersion(version) ?? "simulated/version-" + version[..8];
        }

        if (!json.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
        {
            return SimulatorJson.InvalidField(request, "required", "input", "input is required");
        }

        var family = ModelFamilies.Classify(model);
        var prompt = SimulatedRequest.ReadString(input, "prompt");
        if (family == ModelFamily.Text && prompt is null)
        {
            return SimulatorJson.InvalidField(request, "required", "input", "prompt is required");
        }

        var prediction = NewPrediction(model, version, input, family, prompt);
        _predictions.Add(prediction);
        Interlocked.Increment(ref _createdCount);

        if (SimulatedRequest.PreferWait(request) is { } wait)
        {
            await HoldAsync(prediction, wait, cancellationToken);
        }

        return SimulatorJson.Respond(request, HttpStatusCode.Created, PredictionJson.Render(prediction, _timeProvider.GetUtcNow(), _options));
    }

    private SimulatedPrediction NewPrediction(string model, string version, JsonElement input, ModelFamily family, string? prompt)
    {
        var now = _timeProvider.GetUtcNow();
        var duration = _options.PredictionDuration;
        var starting = _options.StartingDuration < duration ? _options.StartingDuration : duration;
        var seed = StableHash.Seed(model, input);
        return new SimulatedPrediction
        {
            Id = RandomNumberGenerator.GetString(IdAlphabet, 26),
            Model = model,
            Version = version,
            InputJson = input.GetRawText(),
            Prompt = prompt,
            Family = family,
            Fails = ModelFamilies.Fails(model) || _flakiness.FailsThisAttempt(model, input),
            Seed = seed,
            CreatedAt = now,
            StartsAt = now + starting,
            EndsAt = now + duration,
            OutputCount = SimulatedRequest.ReadInt(input, "num_outputs") is { } n ? Math.Clamp(n, 1, 4) : 1,
            Tokens = family == ModelFamily.Text ? SimulatedText.Tokens(model, prompt, SimulatedRequest.ReadInt(input, "max_tokens"), seed) : [],
            InputTokenCount = SimulatedText.CountInputTokens(prompt, SimulatedRequest.ReadString(input, "system_prompt")),
        };
    }

    private async Task HoldAsync(SimulatedPrediction prediction, TimeSpan wait, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var untilTerminal = prediction.TerminalAt - now;
        var hold = wait < untilTerminal ? wait : untilTerminal;
        if (hold <= TimeSpan.Zero)
        {
            return;
        }

        // A cancel ends the hold early; the linked source then retires the timer so it doesn't linger for a minute.
        using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var until = now + hold;
        var delay = Task.Delay(hold, _timeProvider, delayCts.Token);
        HoldStarted?.Invoke(prediction.Id);

        // System timers tick in whole milliseconds and can fire just before the clock reaches the end of the hold;
        // answering then would show a prediction that finishes inside the wait as still processing (Replicate answers
        // with it finished), so hold on until the clock agrees.
        while (await Task.WhenAny(delay, prediction.Canceled) == delay && delay.IsCompletedSuccessfully)
        {
            var left = until - _timeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero) break;
            delay = Task.Delay(left, _timeProvider, delayCts.Token);
        }

        await delayCts.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private HttpResponseMessage Get(HttpRequestMessage request, string id) =>
        _predictions.TryGet(id, out var prediction)
            ? SimulatorJson.Respond(request, HttpStatusCode.OK, PredictionJson.Render(prediction, _timeProvider.GetUtcNow(), _options))
            : SimulatorJson.NotFound(request);

    private HttpResponseMessage List(HttpRequestMessage request, Uri uri) =>
        SimulatedPredictionList.Respond(request, uri, _predictions.All, _timeProvider.GetUtcNow(), _options);

    private HttpResponseMessage Cancel(HttpRequestMessage request, string id)
    {
        if (!_predictions.TryGet(id, out var prediction))
        {
            return SimulatorJson.NotFound(request);
        }

        var now = _timeProvider.GetUtcNow();
        prediction.Cancel(now);
        return SimulatorJson.Respond(request, HttpStatusCode.OK, PredictionJson.Render(prediction, now, _options));
    }

    private HttpResponseMessage GetModel(HttpRequestMessage request, string owner, string name)
    {
        var model = owner + "/" + name;
        if (ModelFamilies.IsMissing(model))
        {
            return SimulatorJson.NotFound(request);
        }

        RememberVersion(SimulatedModelCatalog.LatestVersionId(model), model);
        return SimulatorJson.Respond(request, HttpStatusCode.OK, SimulatedModelCatalog.Model(owner, name));
    }

    private HttpResponseMessage GetVersion(HttpRequestMessage request, string owner, string name, string version)
    {
        var model = owner + "/" + name;
        if (ModelFamilies.IsMissing(model) || !SimulatedRequest.IsVersionId(version))
        {
            return SimulatorJson.NotFound(request);
        }

        // Every well-formed version of an existing model exists here, so ids from real Replicate work offline.
        RememberVersion(version, model);
        return SimulatorJson.Respond(request, HttpStatusCode.OK, SimulatedModelCatalog.Version(model, version.ToLowerInvariant()));
    }

    private void RememberVersion(string version, string model)
    {
        // Model names come from callers, so the map is bounded; a forgotten version is learnt again at the next lookup.
        if (_versionModels.Count >= MaxRememberedVersions) _versionModels.Clear();
        _versionModels[version] = model;
    }

    private static HttpResponseMessage Search(HttpRequestMessage request, Uri uri)
    {
        var query = SimulatedRequest.Query(uri, "query");
        if (string.IsNullOrWhiteSpace(query))
        {
            return SimulatorJson.Respond(request, HttpStatusCode.BadRequest, new JsonObject
            {
                ["detail"] = "Query parameter \"query\" is required",
            });
        }

        var limit = SimulatedModelCatalog.ParseLimit(SimulatedRequest.Query(uri, "limit"));
        return SimulatorJson.Respond(request, HttpStatusCode.OK, SimulatedModelCatalog.Search(query, limit));
    }

    private HttpResponseMessage ServeFile(HttpRequestMessage request, Uri uri)
    {
        // Only /sim/{prediction id}/out-{n}.{png|mp4} of a succeeded prediction exists.
        if (request.Method != HttpMethod.Get
            || uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is not ["sim", var id, var file]
            || !_predictions.TryGet(id, out var prediction)
            || prediction.StatusAt(_timeProvider.GetUtcNow()) != SimulatedPredictionStatus.Succeeded
            || SimulatedFileName.Parse(file) is not { } name)
        {
            return SimulatorJson.NotFound(request);
        }

        var (bytes, mediaType) = (prediction.Family, name.Extension) switch
        {
            (ModelFamily.Video, ".mp4") when name.Index == 0 => (SimulatedFiles.Video(), "video/mp4"),
            (ModelFamily.Image, var extension) when name.Index < prediction.OutputCount && extension == SimulatedImages.Extension(prediction.InputJson) =>
                (SimulatedImages.Render(prediction, name.Index, extension, ReadInput), SimulatedImages.MediaType(extension)),
            _ => ((byte[]?)null, ""),
        };
        if (bytes is null)
        {
            return SimulatorJson.NotFound(request);
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }

    private async Task<HttpResponseMessage> UploadAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var upload = await _uploads.AddAsync(request, _timeProvider.GetUtcNow(), cancellationToken);
        return upload is null
            ? SimulatorJson.Problem(request, HttpStatusCode.BadRequest, "Bad request", "The multipart body must have a 'content' part.")
            : SimulatorJson.Respond(request, HttpStatusCode.Created, SimulatedUploads.Describe(upload, _options.BaseUrl));
    }

    private HttpResponseMessage GetUpload(HttpRequestMessage request, string id, bool download)
    {
        if (_uploads.Find(id) is not { } upload)
        {
            return SimulatorJson.NotFound(request);
        }

        if (!download)
        {
            return SimulatorJson.Respond(request, HttpStatusCode.OK, SimulatedUploads.Describe(upload, _options.BaseUrl));
        }

        var content = new ByteArrayContent(upload.Bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.TryParse(upload.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }

    /// <summary>
    /// An input image as a model here reads it: a <c>data:</c> URI, a file uploaded to this simulator
    /// (its <c>urls.get</c>), or an output of an earlier simulated prediction. Anything else reads as nothing.
    /// </summary>
    private byte[]? ReadInput(string reference)
    {
        if (ReplicateMcp.Downloads.DataUri.TryParse(reference) is { } data)
        {
            return data.Bytes;
        }

        if (!Uri.TryCreate(reference, UriKind.Absolute, out var uri))
        {
            return null;
        }

        if (ApiPath(uri) is { } path && path.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["files", var id, ..])
        {
            return _uploads.Find(id)?.Bytes;
        }

        if (string.Equals(uri.Host, _options.FileHost, StringComparison.OrdinalIgnoreCase)
            && uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["sim", var predictionId, var file]
            && _predictions.TryGet(predictionId, out var source)
            && source.Family == ModelFamily.Image
            && source.StatusAt(_timeProvider.GetUtcNow()) == SimulatedPredictionStatus.Succeeded
            && SimulatedFileName.Parse(file) is { } name && name.Index < source.OutputCount
            && name.Extension == SimulatedImages.Extension(source.InputJson))
        {
            return SimulatedImages.Render(source, name.Index, name.Extension, ReadInput);
        }

        return null;
    }
}
