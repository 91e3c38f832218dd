using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>Response helpers shared by the simulator's endpoints.</summary>
internal static class SimulatorJson
{
    /// <summary>A JSON response to <paramref name="request"/>.</summary>
    public static HttpResponseMessage Respond(HttpRequestMessage request, HttpStatusCode status, JsonNode body, string mediaType = "application/json") =>
        new(status)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, mediaType),
            RequestMessage = request,
        };

    /// <summary>Replicate's generic 404 body.</summary>
    public static HttpResponseMessage NotFound(HttpRequestMessage request) =>
        Respond(request, HttpStatusCode.NotFound, new JsonObject
        {
            ["detail"] = "The requested resource could not be found.",
            ["status"] = 404,
        });

    /// <summary>A problem body such as Replicate sends for 400 and 422.</summary>
    public static HttpResponseMessage Problem(HttpRequestMessage request, HttpStatusCode status, string title, string detail, JsonArray? invalidFields = null)
    {
        var body = new JsonObject { ["detail"] = detail, ["status"] = (int)status, ["title"] = title };
        if (invalidFields is not null)
        {
            body["invalid_fields"] = invalidFields;
        }

        return Respond(request, status, body, "application/problem+json");
    }

    /// <summary>A 422 "Input validation failed" with one invalid field, worded like 08-errors.json.</summary>
    public static HttpResponseMessage InvalidField(HttpRequestMessage request, string type, string field, string description) =>
        Problem(request, HttpStatusCode.UnprocessableEntity, "Input validation failed", $"- {(field.Length == 0 ? "" : field + ": ")}{description}\n",
            [(JsonNode)new JsonObject { ["type"] = type, ["field"] = field, ["description"] = description }]);

    /// <summary>Replicate's timestamp form: UTC with microseconds and a Z.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
