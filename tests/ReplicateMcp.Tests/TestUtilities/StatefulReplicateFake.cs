using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// The one HTTP fake of api.replicate.com (under <c>/v1</c>), on WireMock, in or outside the server process. It
/// remembers predictions: created <c>starting</c>, <c>succeeded</c> after <see cref="Duration"/> of real time
/// (at once by default), each with one PNG URL on the same host; lists, cancels and model lookups (every model is
/// official) like Replicate. Faults on request: a create rate limit answered like Replicate's 429, polls answered
/// with garbage. A test that needs one exact answer (a sample body, a 500, a 429 scenario) stubs it on
/// <see cref="Server"/>: such stubs win over the remembered behaviour, which sits at a lower priority.
/// </summary>
internal sealed class StatefulReplicateFake : IDisposable
{
    /// <summary>The API token clients are configured with.</summary>
    public const string Token = "r8_TESTTOKEN_abc123xyz";

    /// <summary>A 2×2 PNG (red, green, blue, white): every output file.</summary>
    public static readonly byte[] Png = TinyPng();

    // WireMock picks the matching mapping with the lowest priority number; stubs a test adds have priority 0.
    private const int RememberedBehaviour = 1000;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Created, string Model, JsonNode? Input)> _predictions = new();
    private readonly ConcurrentQueue<(string Id, string Model, string Input)> _creates = new();
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _acceptedCreates = new();
    private readonly int? _createsPerSecond;
    private int _garbledPollsLeft;
    private int _refused;

    /// <param name="createsPerSecond">When set, a create beyond this many in the last second gets 429 with Retry-After: 1.</param>
    /// <param name="garbledPolls">The first this many polls are answered 200 with an HTML body.</param>
    /// <param name="holdCreates">Creates answer only once the prediction has ended (or canceled), like <c>Prefer: wait</c>.</param>
    public StatefulReplicateFake(TimeSpan duration = default, int? createsPerSecond = null, int garbledPolls = 0, bool holdCreates = false)
    {
        Duration = duration;
        _holdCreates = holdCreates;
        _createsPerSecond = createsPerSecond;
        _garbledPollsLeft = garbledPolls;
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/models/[^/]+/[^/]+/predictions$")).UsingPost()).AtPriority(RememberedBehaviour).RespondWith(Response.Create().WithCallback(CreateAsync));
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/predictions/[a-z0-9]+/cancel$")).UsingPost()).AtPriority(RememberedBehaviour).RespondWith(Response.Create().WithCallback(Cancel));
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/predictions/[a-z0-9]+$")).UsingGet()).AtPriority(RememberedBehaviour).RespondWith(Response.Create().WithCallback(Get));
        Server.Given(Request.Create().WithPath("/v1/predictions").UsingGet()).AtPriority(RememberedBehaviour).RespondWith(Response.Create().WithCallback(List));
        // Every model is official, so creates go to the by-name route.
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/models/[^/]+/[^/]+$")).UsingGet()).AtPriority(RememberedBehaviour)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"owner\": \"acme\", \"name\": \"m\", \"is_official\": true}"));
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/files/")).UsingGet()).AtPriority(RememberedBehaviour)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(Png));
    }

    public TimeSpan Duration { get; }

    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>Root of the fake, without a trailing slash.</summary>
    public string Url => Server.Url!;

    /// <summary>The API root without a trailing slash, e.g. for <c>REPLICATE_BASE_URL</c>.</summary>
    public string ApiUrl => Url + "/v1";

    /// <summary>The API root as configured in <c>Replicate:BaseUrl</c>.</summary>
    public string ApiBaseUrl => Url + "/v1/";

    public IReadOnlyList<(string Id, string Model, string Input)> Creates => [.. _creates];

    /// <summary>Creates refused with 429.</summary>
    public int Refused => Volatile.Read(ref _refused);

    private bool TryAdmitCreate()
    {
        if (_createsPerSecond is not { } limit) return true;
        lock (_lock)
        {
            var now = DateTimeOffset.UtcNow;
            while (_acceptedCreates.TryPeek(out var at) && now - at >= TimeSpan.FromSeconds(1)) _acceptedCreates.Dequeue();
            if (_acceptedCreates.Count >= limit) return false;
            _acceptedCreates.Enqueue(now);
            return true;
        }
    }

    private readonly bool _holdCreates;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ended = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _canceledAt = new();

    private readonly SemaphoreSlim _createArrivals = new(0);

    /// <summary>Completes once another create has arrived (one per create, in order).</summary>
    public Task NextCreateAsync(CancellationToken cancellationToken) => _createArrivals.WaitAsync(cancellationToken);

    /// <summary>Cancel requests received, with when they arrived.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Cancels => _canceledAt;

    private async Task<IResponseMessage> CreateAsync(IRequestMessage request)
    {
        var answer = Create(request);
        if (!_holdCreates || answer.StatusCode is not 201) return answer;
        var id = JsonNode.Parse(answer.BodyData!.BodyAsString!)!["id"]!.GetValue<string>();
        // Held like Prefer: wait: until the prediction ends by itself or is canceled.
        await Task.WhenAny(_ended[id].Task, Task.Delay(Duration));
        return JsonMessage(201, Body(id));
    }

    private ResponseMessage Cancel(IRequestMessage request)
    {
        var id = request.Path.Split('/')[^2];
        if (!_predictions.TryGetValue(id, out var p)) return JsonMessage(404, new JsonObject { ["detail"] = "Not found.", ["status"] = 404 });
        if (DateTimeOffset.UtcNow - p.Created < Duration) _canceledAt.TryAdd(id, DateTimeOffset.UtcNow);
        if (_ended.TryGetValue(id, out var ended)) ended.TrySetResult();
        return JsonMessage(200, Body(id));
    }

    private ResponseMessage Create(IRequestMessage request)
    {
        if (!TryAdmitCreate())
        {
            Interlocked.Increment(ref _refused);
            var refusal = JsonMessage(429, new JsonObject { ["detail"] = "Request was throttled. Your rate limit resets in ~1s.", ["status"] = 429 });
            refusal.Headers!["Retry-After"] = new WireMockList<string>("1");
            return refusal;
        }
        var id = "p" + Guid.NewGuid().ToString("N")[..20];
        var model = string.Join('/', request.Path.Split('/')[3..5]);
        var input = JsonNode.Parse(request.Body ?? "{}")?["input"];
        _ended[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _predictions[id] = (DateTimeOffset.UtcNow, model, input?.DeepClone());
        _creates.Enqueue((id, model, input?.ToJsonString() ?? "null"));
        _createArrivals.Release();
        return JsonMessage(201, Body(id));
    }

    private ResponseMessage Get(IRequestMessage request)
    {
        var id = request.Path.Split('/')[^1];
        if (Interlocked.Decrement(ref _garbledPollsLeft) >= 0)
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("text/html") },
                BodyData = new BodyData { BodyAsString = "<html><body>502 Bad Gateway</body></html>", DetectedBodyType = BodyType.String },
            };
        return _predictions.ContainsKey(id) ? JsonMessage(200, Body(id)) : JsonMessage(404, new JsonObject { ["detail"] = "Not found.", ["status"] = 404 });
    }

    /// <summary>
    /// <c>GET /predictions</c> like Replicate's: newest first, <see cref="ListPageSize"/> a page, <c>created_after</c>
    /// (at or after) and <c>created_before</c> (before), and a <c>next</c> link whose cursor is the rank of the
    /// next item among those the filters admit.
    /// </summary>
    private ResponseMessage List(IRequestMessage request)
    {
        string? Query(string name) => request.Query is { } q && q.TryGetValue(name, out var v) ? v.FirstOrDefault() : null;
        DateTimeOffset? Time(string name) => Query(name) is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
        var (after, before) = (Time("created_after"), Time("created_before"));
        var skip = Query("cursor") is { } cursor ? int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var matching = _predictions
            .Where(p => (after is null || p.Value.Created >= after) && (before is null || p.Value.Created < before))
            .OrderByDescending(p => p.Value.Created).Select(p => p.Key).ToList();
        var page = matching.Skip(skip).Take(ListPageSize).ToList();
        string? next = null;
        if (skip + page.Count < matching.Count)
        {
            var query = new List<string>();
            if (Query("created_after") is { } a) query.Add("created_after=" + Uri.EscapeDataString(a));
            if (Query("created_before") is { } b) query.Add("created_before=" + Uri.EscapeDataString(b));
            query.Add($"cursor={skip + page.Count}");
            next = $"{ApiUrl}/predictions?{string.Join('&', query)}";
        }
        return JsonMessage(200, new JsonObject
        {
            ["next"] = next,
            ["previous"] = null,
            ["results"] = new JsonArray([.. page.Select(id => (JsonNode?)Body(id))]),
        });
    }

    /// <summary>Predictions a list page holds at most (Replicate: 100).</summary>
    public int ListPageSize { get; init; } = 100;

    /// <summary>List requests received.</summary>
    public int ListRequests => Server.LogEntries.Count(e => e.RequestMessage.Method == "GET" && e.RequestMessage.Path == "/v1/predictions");

    private JsonObject Body(string id)
    {
        var (created, model, input) = _predictions[id];
        var canceled = _canceledAt.ContainsKey(id);
        var done = !canceled && DateTimeOffset.UtcNow - created >= Duration;
        return new JsonObject
        {
            ["id"] = id,
            ["model"] = model,
            ["version"] = "hidden",
            ["input"] = input?.DeepClone(),
            ["status"] = canceled ? "canceled" : done ? "succeeded" : "processing",
            ["output"] = done ? new JsonArray($"{Url}/files/{id}/out-0.png") : null,
            ["error"] = null,
            ["logs"] = "",
            ["created_at"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static ResponseMessage JsonMessage(int status, JsonObject body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    public static string Version(char digit) => new(digit, 64);

    /// <summary>Stubs <c>GET /v1/models/{owner}/{name}</c> with a model of that kind.</summary>
    public void Model(string owner, string name, bool official, string? latestVersion = null) =>
        Json(Request.Create().WithPath($"/v1/models/{owner}/{name}").UsingGet(), 200, new JsonObject
        {
            ["owner"] = owner,
            ["name"] = name,
            ["description"] = $"{owner}/{name} for tests",
            ["is_official"] = official,
            ["run_count"] = 1,
            ["latest_version"] = latestVersion is null ? null : new JsonObject { ["id"] = latestVersion, ["openapi_schema"] = null },
        });

    /// <summary>Stubs the official-model create route to answer with <paramref name="body"/>.</summary>
    public void CreateOfficial(string owner, string name, JsonNode body, int status = 201) =>
        Json(Request.Create().WithPath($"/v1/models/{owner}/{name}/predictions").UsingPost(), status, body);

    /// <summary>Stubs the versioned create route (<c>POST /v1/predictions</c>) to answer with <paramref name="body"/>.</summary>
    public void CreateVersioned(JsonNode body, int status = 201) =>
        Json(Request.Create().WithPath("/v1/predictions").UsingPost(), status, body);

    public void Get(string predictionId, JsonNode body, int status = 200) =>
        Json(Request.Create().WithPath($"/v1/predictions/{predictionId}").UsingGet(), status, body);

    /// <summary>Serves <see cref="Png"/> at <paramref name="path"/> and returns its absolute URL.</summary>
    public string ServePng(string path)
    {
        Server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(Png));
        return Url + path;
    }

    /// <summary>An official model whose create answers <c>starting</c> and whose first poll answers <paramref name="finished"/>.</summary>
    public void OfficialStartingThen(string owner, string name, string id, JsonObject finished)
    {
        Model(owner, name, official: true);
        CreateOfficial(owner, name, ApiSamples.Prediction("02", id));
        Get(id, finished);
    }

    /// <summary>A community model resolved to <paramref name="version"/>, created <c>starting</c>, then <paramref name="finished"/>.</summary>
    public void CommunityStartingThen(string owner, string name, string version, string id, JsonObject finished)
    {
        Model(owner, name, official: false, latestVersion: version);
        CreateVersioned(ApiSamples.Prediction("02", id));
        Get(id, finished);
    }

    public IReadOnlyList<ILogEntry> Requests(string method, string path) =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path)];

    public void Json(IRequestBuilder request, int status, JsonNode? body) =>
        Server.Given(request).RespondWith(JsonResponse(status, body));

    public static IResponseBuilder JsonResponse(int status, JsonNode? body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
            .WithBody(body?.ToJsonString() ?? "null");

    public void Dispose()
    {
        Server.Dispose(); // stops it too
        _createArrivals.Dispose();
    }

    private static byte[] TinyPng()
    {
        using var bitmap = new SkiaSharp.SKBitmap(2, 2);
        bitmap.SetPixel(0, 0, SkiaSharp.SKColors.Red);
        bitmap.SetPixel(1, 0, SkiaSharp.SKColors.Lime);
        bitmap.SetPixel(0, 1, SkiaSharp.SKColors.Blue);
        bitmap.SetPixel(1, 1, SkiaSharp.SKColors.White);
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
