using System.Text.Json;

namespace ReplicateMcp.Replicate;

/// <summary>Replicate's model object: the parts we use.</summary>
internal sealed record ModelInfo
{
    public string Owner { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public bool IsOfficial { get; init; }
    public long? RunCount { get; init; }
    public ModelVersionInfo? LatestVersion { get; init; }
    public JsonElement? DefaultExample { get; init; }
}

/// <summary>Replicate's model version object.</summary>
internal sealed record ModelVersionInfo
{
    public string Id { get; init; } = "";
    public JsonElement? OpenapiSchema { get; init; }
}

/// <summary>The answer of <c>GET /search</c>.</summary>
internal sealed record SearchResponse
{
    public IReadOnlyList<SearchHit> Models { get; init; } = [];
}

internal sealed record SearchHit
{
    public ModelInfo? Model { get; init; }
}

/// <summary>A page of <c>GET /models</c> (the older listing answers with <c>results</c>).</summary>
internal sealed record ModelPage
{
    public IReadOnlyList<ModelInfo> Results { get; init; } = [];
}
