namespace ReplicateMcp.Replicate;

/// <summary>Feeds the <c>Date</c> header of every Replicate answer to the <see cref="ReplicateClock"/>.</summary>
internal sealed class ReplicateClockHandler(ReplicateClock clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        clock.Observe(response);
        return response;
    }
}
