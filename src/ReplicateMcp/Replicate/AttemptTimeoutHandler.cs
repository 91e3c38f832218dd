using Polly.Timeout;

namespace ReplicateMcp.Replicate;

/// <summary>
/// Each attempt's time limit (<see cref="ReplicateRetryPolicy.AttemptTimeout"/>), counted from when the
/// <see cref="RateLimitGate"/> lets the request out: a create held at the gate — behind a 429's back-off, or queued for
/// the create pace behind hundreds of others — has sent nothing, so its wait must not end as a timeout, which reports the
/// create as one that may have reached Replicate.
/// </summary>
internal sealed class AttemptTimeoutHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var limit = ReplicateRetryPolicy.AttemptTimeout(request);
        using var attempt = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attempt.Token);
        try
        {
            return await base.SendAsync(request, linked.Token);
        }
        catch (OperationCanceledException ex) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The same exception the pipeline's timeout strategy threw, so retries and error texts read it as before.
            throw new TimeoutRejectedException($"The operation didn't complete within the allowed timeout of '{limit}'.", limit, ex);
        }
    }
}
