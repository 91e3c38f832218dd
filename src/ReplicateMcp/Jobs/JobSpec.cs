using System.Text.Json;

namespace ReplicateMcp.Jobs;

/// <summary>One item or step as the user gave it (arguments already type-checked).</summary>
internal sealed record ItemSpec(string? StepId, string Model, JsonElement Input, IReadOnlyList<string>? DependsOn = null);

/// <summary>What a start tool (or <c>replicate-mcp run</c>) asks for.</summary>
/// <param name="IdempotencyKey">A repeated start with the same key and kind returns the kept job instead of starting another.</param>
/// <param name="ClientRoots">
/// The MCP client's roots (<c>file://</c> URIs) when it declares any: extra folders whose files may be sent (CONTRACT §8).
/// </param>
internal sealed record JobSpec(JobKind Kind, IReadOnlyList<ItemSpec> Items, JobSettings Settings, string? IdempotencyKey = null, IReadOnlyList<string>? ClientRoots = null);

/// <summary>A started job and the message for the caller.</summary>
internal sealed record StartOutcome(Job Job, string Message);
