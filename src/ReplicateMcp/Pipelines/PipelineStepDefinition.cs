using System.Text.Json.Nodes;

namespace ReplicateMcp.Pipelines;

/// <summary>One step as the caller declared it, before validation.</summary>
internal sealed record PipelineStepDefinition(string Id, string Model, JsonObject Input, IReadOnlyList<string>? DependsOn);
