using System.Net;
using System.Text.Json;

namespace ReplicateMcp.Replicate;

/// <summary>
/// Sits under the retry strategy, so every attempt passes the <see cref="RateLimitGate"/>,
/// every 429 (header <c>Retry-After</c> or body <c>retry_after</c>) blocks the whole process, and the answers
/// to creates tune the gate's create allowance.
/// </summary>
internal sealed class RateLimitHandler(RateLimitGate gate, TimeProvider time) : DelegatingHandler
{
    /// <summary>When Replicate says nothing about how long to wait.</summary>
    internal static readonly TimeSpan DefaultBackOff = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromMinutes(2);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isCreate = request.IsCreateRequest();
        await gate.WaitAsync(isCreate, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            gate.BackOff(await RetryAfterAsync(response, cancellationToken));
            if (isCreate) gate.CreateRefused();
        }
        else if (isCreate && response.IsSuccessStatusCode)
        {
            gate.CreateAccepted();
        }
        return response;
    }

    private async Task<TimeSpan> RetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is null)
        {
            // Buffer so the caller can still read the body for its error message.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (ReplicateErrors.TryParse(body)?.RetryAfter is { } retryAfter)
            {
                if (retryAfter.ValueKind == JsonValueKind.Number && retryAfter.TryGetDouble(out var seconds))
                    delay = TimeSpan.FromSeconds(seconds);
                else if (retryAfter.ValueKind == JsonValueKind.String && double.TryParse(retryAfter.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var s))
                    delay = TimeSpan.FromSeconds(s);
            }
        }
        delay ??= DefaultBackOff;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxBackOff ? MaxBackOff : delay.Value;
    }
}
