using ReplicateMcp.Replicate;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// The backend a job runs against, recorded on the job (CONTRACT §6, backends do not mix): the API base URL, or
/// <see cref="Simulator"/>. A job is only ever resumed by a server with the same backend.
/// </summary>
internal static class JobBackend
{
    public const string Simulator = "simulator";

    public static string Of(ReplicateOptions options) => options.Simulate ? Simulator : options.NormalizedBaseUrl.AbsoluteUri;
}
