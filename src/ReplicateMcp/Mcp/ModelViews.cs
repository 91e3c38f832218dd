using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Mcp;

internal sealed record ModelSchemaView(
    string Model, string? Description, bool IsOfficial, string? VersionId, JsonObject? InputSchema, JsonObject? OutputSchema, JsonElement? ExampleInput);

internal sealed record ModelSearchView(IReadOnlyList<ModelSearchHitView> Models);

internal sealed record ModelSearchHitView(string Model, string? Description, long? RunCount, bool IsOfficial);
