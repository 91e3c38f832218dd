using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// Replicate over loopback HTTP for a server run as a process (<see cref="Following"/>). Every prediction takes
/// <see cref="Duration"/> from its create and then succeeds with one URL; a create is held like <c>Prefer: wait=n</c>
/// (up to n seconds or until it ends); <c>GET /predictions</c> lists newest first, 100 a page, with <c>created_after</c>
/// / <c>created_before</c> and a cursor, its items without <c>logs</c> like Replicate's. Every request is logged with its
/// kind and arrival time.
/// </summary>
internal sealed class ReplicateHttpFake : IAsyncDisposable
{
    public const int PageSize = 100;

    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, Created> _predictions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Seen> _requests = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstShownTerminal = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ReplicateHttpFake(TimeSpan duration)
    {
        Duration = duration;
        BaseUrl = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = AcceptAsync();
    }

    public TimeSpan Duration { get; }

    private string BaseUrl { get; }

    /// <summary>What <c>REPLICATE_BASE_URL</c> is set to.</summary>
    public string ApiUrl => BaseUrl + "v1/";

    /// <summary>A request as it arrived: when, and which kind (create, list, get, cancel, model, other).</summary>
    public sealed record Seen(DateTimeOffset At, string Kind);

    private sealed record Created(string Id, string Model, JsonNode? Input, DateTimeOffset At);

    public IReadOnlyList<Seen> Requests => [.. _requests];

    /// <summary>Each prediction's id and the moment it became terminal here (its create + <see cref="Duration"/>).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> TerminalAt => _predictions.ToDictionary(p => p.Key, p => p.Value.At + Duration, StringComparer.Ordinal);

    /// <summary>Each prediction's id and the moment an answer first showed it terminal (a list, a GET or the create).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> FirstShownTerminalAt => _firstShownTerminal;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        var segments = path.Trim('/').Split('/');
        try
        {
            var (status, body) = (request.HttpMethod, segments) switch
            {
                ("POST", ["v1", "models", var owner, var name, "predictions"]) => await CreateAsync($"{owner}/{name}", request),
                ("GET", ["v1", "predictions"]) => Log("list", List(request)),
                ("GET", ["v1", "predictions", var id]) => Log("get", Get(id)),
                ("POST", ["v1", "predictions", var id, "cancel"]) => Log("cancel", Get(id)),
                ("GET", ["v1", "models", _, _]) => Log("model", (200, new JsonObject { ["owner"] = segments[2], ["name"] = segments[3], ["is_official"] = true })),
                _ => Log("other", (404, new JsonObject { ["detail"] = $"Not found: {request.HttpMethod} {path}", ["status"] = 404 })),
            };
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            // Replicate's clock, which the server reads for its created_after bounds.
            context.Response.Headers["Date"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The server went away mid-answer, or the fake is stopping.
        }
    }

    private (int, JsonObject) Log(string kind, (int, JsonObject) answer)
    {
        _requests.Enqueue(new Seen(DateTimeOffset.UtcNow, kind));
        return answer;
    }

    private async Task<(int, JsonObject)> CreateAsync(string model, HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var input = JsonNode.Parse(await reader.ReadToEndAsync())?["input"];
        var created = new Created("p" + Guid.NewGuid().ToString("N")[..25], model, input?.DeepClone(), DateTimeOffset.UtcNow);
        _predictions[created.Id] = created;
        _requests.Enqueue(new Seen(created.At, "create"));

        // Prefer: wait=n holds the answer until the prediction ends or n seconds have passed.
        var wait = request.Headers["Prefer"] is { } prefer && prefer.StartsWith("wait=", StringComparison.Ordinal)
            && int.TryParse(prefer.AsSpan(5), CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        // On the clock the answer is stamped with: a timer may wake a hair before it, and a create held for the whole
        // prediction must then answer it finished, as Replicate does, not "processing".
        var until = created.At + (wait < Duration ? wait : Duration);
        while (DateTimeOffset.UtcNow < until) await Task.Delay(until - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(1), _stop.Token);
        return (201, Body(created, withLogs: true));
    }

    private (int, JsonObject) Get(string id) =>
        _predictions.TryGetValue(id, out var created) ? (200, Body(created, withLogs: true)) : (404, new JsonObject { ["detail"] = "Not found.", ["status"] = 404 });

    private (int, JsonObject) List(HttpListenerRequest request)
    {
        static DateTimeOffset? Time(string? text) => text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
        var (after, before) = (Time(request.QueryString["created_after"]), Time(request.QueryString["created_before"]));
        var skip = request.QueryString["cursor"] is { } cursor ? int.Parse(cursor, CultureInfo.InvariantCulture) : 0;
        var matching = _predictions.Values
            .Where(p => (after is null || p.At >= after) && (before is null || p.At < before))
            .OrderByDescending(p => p.At).ToList();
        var page = matching.Skip(skip).Take(PageSize).ToList();
        string? next = null;
        if (skip + page.Count < matching.Count)
        {
            var query = new List<string>();
            if (request.QueryString["created_after"] is { } a) query.Add("created_after=" + Uri.EscapeDataString(a));
            if (request.QueryString["created_before"] is { } b) query.Add("created_before=" + Uri.EscapeDataString(b));
            query.Add($"cursor={skip + page.Count}");
            next = $"{ApiUrl}predictions?{string.Join('&', query)}";
        }
        return (200, new JsonObject
        {
            ["next"] = next,
            ["previous"] = null,
            ["results"] = new JsonArray([.. page.Select(p => (JsonNode)Body(p, withLogs: false))]),
        });
    }

    /// <summary>A prediction as Replicate shows it (see replicate-api/02 and 03); list items come without <c>logs</c>.</summary>
    private JsonObject Body(Created p, bool withLogs)
    {
        var now = DateTimeOffset.UtcNow;
        var done = now >= p.At + Duration;
        if (done) _firstShownTerminal.TryAdd(p.Id, now);
        var body = new JsonObject
        {
            ["id"] = p.Id,
            ["model"] = p.Model,
            ["version"] = "hidden",
            ["input"] = p.Input?.DeepClone(),
            ["output"] = done ? new JsonArray($"{BaseUrl}files/{p.Id}/out-0.webp") : null,
            ["data_removed"] = false,
            ["error"] = null,
            ["source"] = "api",
            ["status"] = done ? "succeeded" : "processing",
            ["created_at"] = Stamp(p.At),
            ["started_at"] = Stamp(p.At),
            ["completed_at"] = done ? Stamp(p.At + Duration) : null,
            ["metrics"] = done ? new JsonObject { ["predict_time"] = Duration.TotalSeconds } : new JsonObject(),
            ["urls"] = new JsonObject
            {
                ["get"] = $"{ApiUrl}predictions/{p.Id}",
                ["cancel"] = $"{ApiUrl}predictions/{p.Id}/cancel",
                ["web"] = $"https://replicate.com/p/{p.Id}",
            },
        };
        if (withLogs) body["logs"] = done ? "100%|██████████| 4/4\n" : "";
        return body;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _listener.Close();
        _stop.Dispose();
    }
}
