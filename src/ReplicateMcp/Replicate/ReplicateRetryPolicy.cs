using System.Net;
using System.Net.Sockets;
using Polly;

namespace ReplicateMcp.Replicate;

/// <summary>Which failed attempts may be tried again, and when.</summary>
internal static class ReplicateRetryPolicy
{
    /// <summary>Throttling can last; the gate does the waiting, so these retries cost no burst.</summary>
    public const int MaxThrottledAttempts = 30;

    /// <summary>Other transient faults on reads: the runner's poll loop adds its own patience on top.</summary>
    public const int MaxTransientAttempts = 3;

    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, int attemptNumber, HttpRequestMessage? request)
    {
        if (outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests)
            return attemptNumber < MaxThrottledAttempts;
        if (attemptNumber >= MaxTransientAttempts) return false;

        // A create that may have reached Replicate is never sent again: it could start a second paid prediction.
        if (request.IsCreateRequest())
            return outcome.Exception is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } }
                or HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError };

        return (outcome.Exception is { } fault && ReplicateFaults.IsNetwork(fault))
            || outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout };
    }

    /// <summary>Per-attempt timeout: a create holds its connection for the whole <c>Prefer: wait</c>.</summary>
    public static TimeSpan AttemptTimeout(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(ReplicateRequestKind.AttemptTimeout, out var given) ? given
        : request is not null && request.Options.TryGetValue(ReplicateRequestKind.PreferWaitSeconds, out var wait)
            ? TimeSpan.FromSeconds(wait + 30)
            : TimeSpan.FromSeconds(30);
}
