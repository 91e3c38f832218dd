using System.Net;

namespace ReplicateMcp.Replicate;

/// <summary>Replicate answered with an error; the message is fit for a user (it never holds the token).</summary>
internal sealed class ReplicateApiException(HttpStatusCode statusCode, string message) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
