using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReplicateMcp.Jobs;

/// <summary>
/// The words statuses are shown with. They are the job file's words, read once from the enums'
/// <c>[JsonStringEnumMemberName]</c> through the job files' own serializer, so answers and files can never disagree.
/// </summary>
internal static class StatusWords
{
    private static readonly Dictionary<ItemStatus, string> ItemWords = Words(JobsJsonContext.Default.ItemStatus);
    private static readonly Dictionary<JobStatus, string> JobWords = Words(JobsJsonContext.Default.JobStatus);

    public static string ToWire(this ItemStatus status) => ItemWords[status];

    public static string ToWire(this JobStatus status) => JobWords[status];

    /// <summary>Every job status word, in declaration order (for the tools' output schemas).</summary>
    public static IEnumerable<string> AllJobWords => Enum.GetValues<JobStatus>().Select(ToWire);

    /// <summary>Every item status word, in declaration order.</summary>
    public static IEnumerable<string> AllItemWords => Enum.GetValues<ItemStatus>().Select(ToWire);

    private static Dictionary<T, string> Words<T>(JsonTypeInfo<T> wire) where T : struct, Enum =>
        Enum.GetValues<T>().ToDictionary(value => value, value => JsonSerializer.Serialize(value, wire).Trim('"'));
}
