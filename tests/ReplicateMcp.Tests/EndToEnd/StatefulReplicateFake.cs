using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>
/// A WireMock fake that lives outside the server process and remembers predictions: created
/// <c>starting</c>, <c>succeeded</c> after <see cref="Duration"/> of real time, each with one PNG URL.
/// Faults on request: a create rate limit answered like Replicate's 429, and polls answered with garbage.
/// </summary>
internal sealed class StatefulReplicateFake : IDisposable
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
    private readonly ConcurrentDictionary<string, (DateTimeOffset Created, string Model, JsonNode? Input)> _predictions = new();
    private readonly ConcurrentQueue<(string Id, string Model, string Input)> _creates = new();
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _acceptedCreates = new();
    private readonly int? _createsPerSecond;
    private int _garbledPollsLeft;
    private int _refused;

    /// <param name="createsPerSecond">When set, a create beyond this many in the last second gets 429 with Retry-After: 1.</param>
    /// <param name="garbledPolls">The first this many polls are answered 200 with an HTML body.</param>
    /// <param name="holdCreates">Creates answer only once the prediction has ended (or canceled), like <c>Prefer: wait</c>.</param>
    public StatefulReplicateFake(TimeSpan duration, int? createsPerSecond = null, int garbledPolls = 0, bool holdCreates = false)
    {
        Duration = duration;
        _holdCreates = holdCreates;
        _createsPerSecond = createsPerSecond;
        _garbledPollsLeft = garbledPolls;
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/models/[^/]+/[^/]+/predictions$")).UsingPost()).RespondWith(Response.Create().WithCallback(CreateAsync));
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/predictions/[a-z0-9]+/cancel$")).UsingPost()).RespondWith(Response.Create().WithCallback(Cancel));
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/predictions/[a-z0-9]+$")).UsingGet()).RespondWith(Response.Create().WithCallback(Get));
        _server.Given(Request.Create().WithPath("/v1/predictions").UsingGet()).RespondWith(Response.Create().WithCallback(List));
        // Every model is official, so creates go to the by-name route.
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/v1/models/[^/]+/[^/]+$")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"owner\": \"acme\", \"name\": \"m\", \"is_official\": true}"));
        _server.Given(Request.Create().WithPath(new RegexMatcher("^/files/")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(Png));
    }

    public TimeSpan Duration { get; }

    public string ApiUrl => _server.Url + "/v1";

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
        return Json(201, Body(id));
    }

    private ResponseMessage Cancel(IRequestMessage request)
    {
        var id = request.Path.Split('/')[^2];
        if (!_predictions.TryGetValue(id, out var p)) return Json(404, new JsonObject { ["detail"] = "Not found.", ["status"] = 404 });
        if (DateTimeOffset.UtcNow - p.Created < Duration) _canceledAt.TryAdd(id, DateTimeOffset.UtcNow);
        if (_ended.TryGetValue(id, out var ended)) ended.TrySetResult();
        return Json(200, Body(id));
    }

    private ResponseMessage Create(IRequestMessage request)
    {
        if (!TryAdmitCreate())
        {
            Interlocked.Increment(ref _refused);
            var refusal = Json(429, new JsonObject { ["detail"] = "Request was throttled. Your rate limit resets in ~1s.", ["status"] = 429 });
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
        return Json(201, Body(id));
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
        return _predictions.ContainsKey(id) ? Json(200, Body(id)) : Json(404, new JsonObject { ["detail"] = "Not found.", ["status"] = 404 });
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
        return Json(200, new JsonObject
        {
            ["next"] = next,
            ["previous"] = null,
            ["results"] = new JsonArray([.. page.Select(id => (JsonNode?)Body(id))]),
        });
    }

    /// <summary>Predictions a list page holds at most (Replicate: 100).</summary>
    public int ListPageSize { get; init; } = 100;

    /// <summary>List requests received.</summary>
    public int ListRequests => _server.LogEntries.Count(e => e.RequestMessage.Method == "GET" && e.RequestMessage.Path == "/v1/predictions");

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
            ["output"] = done ? new JsonArray($"{_server.Url}/files/{id}/out-0.png") : null,
            ["error"] = null,
            ["logs"] = "",
            ["created_at"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static ResponseMessage Json(int status, JsonObject body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    public void Dispose()
    {
        _server.Dispose(); // stops it too
        _createArrivals.Dispose();
    }
}
