using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ReplicateMcp.LocalFiles;

[JsonSerializable(typeof(JsonNode))]
internal sealed partial class LocalFilesJsonContext : JsonSerializerContext;
