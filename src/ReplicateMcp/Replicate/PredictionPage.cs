namespace ReplicateMcp.Replicate;

/// <summary>One page of <c>GET /predictions</c>: newest first; <see cref="Next"/> is the URL of the next (older) page.</summary>
internal sealed record PredictionPage
{
    public IReadOnlyList<Prediction> Results { get; init; } = [];

    public string? Next { get; init; }
}
