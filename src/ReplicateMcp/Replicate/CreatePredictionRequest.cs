using System.Text.Json;

namespace ReplicateMcp.Replicate;

/// <summary>Body of a create; <see cref="Version"/> is null on the official-model route.</summary>
internal sealed record CreatePredictionRequest(string? Version, JsonElement Input);
