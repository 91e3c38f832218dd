namespace ReplicateMcp.Replicate;

/// <summary>Tags a request so the resilience pipeline knows whether a retry could pay twice.</summary>
internal static class ReplicateRequestKind
{
    public static readonly HttpRequestOptionsKey<bool> IsCreate = new("replicate-mcp.create");
    public static readonly HttpRequestOptionsKey<int> PreferWaitSeconds = new("replicate-mcp.prefer-wait");

    /// <summary>Per-attempt timeout for a request whose body takes long to send (an upload).</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeout = new("replicate-mcp.attempt-timeout");

    public static bool IsCreateRequest(this HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(IsCreate, out var create) && create;
}
