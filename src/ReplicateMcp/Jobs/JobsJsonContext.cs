using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ReplicateMcp.Jobs;

/// <summary>Our job files.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = false)]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(ItemStatus))]
[JsonSerializable(typeof(JobStatus))]
internal sealed partial class JobsJsonContext : JsonSerializerContext;
