using System.Net;
using Polly.Timeout;

namespace ReplicateMcp.Replicate;

/// <summary>
/// The one place that says which exceptions a call to Replicate can end with, so every caller that turns them
/// into a message (runner, starter, step preparation) catches the same set and none lets a network error escape.
/// </summary>
internal static class ReplicateFaults
{
    /// <summary>The network failed or timed out: the request may or may not have reached Replicate.</summary>
    public static bool IsNetwork(Exception ex) => ex is HttpRequestException or TimeoutRejectedException or TimeoutException;

    /// <summary>Any way a call to Replicate can fail: an error answer or a network fault.</summary>
    public static bool IsAny(Exception ex) => ex is ReplicateApiException || IsNetwork(ex);

    /// <summary>Worth asking again: a network fault, a server error (5xx) or throttling (429) that outlasted the retries.</summary>
    public static bool IsTransient(Exception ex) => IsNetwork(ex)
        || (ex is ReplicateApiException api && ((int)api.StatusCode >= 500 || api.StatusCode == HttpStatusCode.TooManyRequests));
}
