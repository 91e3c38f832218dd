using System.Text.Json;

namespace ReplicateMcp.Replicate;

/// <summary>Replicate's error body (problem+json), including <c>invalid_fields</c> on 422 and <c>retry_after</c> on 429.</summary>
internal sealed record ProblemDetails
{
    public string? Title { get; init; }
    public string? Detail { get; init; }
    public int? Status { get; init; }
    public JsonElement? RetryAfter { get; init; }
    public IReadOnlyList<InvalidField>? InvalidFields { get; init; }
}

internal sealed record InvalidField
{
    public string? Type { get; init; }
    public string? Field { get; init; }
    public string? Description { get; init; }
}
