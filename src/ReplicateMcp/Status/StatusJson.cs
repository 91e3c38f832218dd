using System.Text.Json;
using System.Text.Json.Serialization;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>Status shapes as JSON: snake_case, nulls written (clients read the schema). Mcp chains it; <c>run --json</c> uses it directly.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BatchStartView))]
[JsonSerializable(typeof(PipelineStartView))]
[JsonSerializable(typeof(BatchStatusView))]
[JsonSerializable(typeof(PipelineStatusView))]
[JsonSerializable(typeof(JobListView))]
[JsonSerializable(typeof(PredictionResult))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;

internal static class StatusJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(StatusJsonContext.Default.Options)
        {
            // Read by models and people, not embedded in HTML: quotes and non-ASCII stay readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly();
        return options;
    }
}
