using System.Text.Json.Nodes;
using ReplicateMcp.Simulation;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// A WireMock stand-in for api.replicate.com under <c>/v1</c>, answering with the real sample bodies.
/// Files are served from the same host, which the download allowlist always admits.
/// </summary>
internal sealed class ReplicateFake : IDisposable
{
    public const string Token = "r8_TESTTOKEN_abc123xyz";

    /// <summary>A 2×2 RGB PNG.</summary>
    public static readonly byte[] Png = PngWriter.EncodeRgb(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);

    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>Root of the fake, without a trailing slash.</summary>
    public string Url => Server.Url!;

    /// <summary>The API root as configured in <c>Replicate:BaseUrl</c>.</summary>
    public string ApiBaseUrl => Url + "/v1/";

    public static string Version(char digit) => new(digit, 64);

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

    /// <summary>The official-model create route answers with <paramref name="body"/>.</summary>
    public void CreateOfficial(string owner, string name, JsonNode body, int status = 201) =>
        Json(Request.Create().WithPath($"/v1/models/{owner}/{name}/predictions").UsingPost(), status, body);

    /// <summary>The versioned create route (<c>POST /v1/predictions</c>) answers with <paramref name="body"/>.</summary>
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

    public void Dispose() => Server.Dispose();
}
