using System.Text.Json.Serialization;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Jobs;

/// <summary>Status of one batch item or pipeline step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemStatus>))]
internal enum ItemStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("timed_out")] TimedOut,
    [JsonStringEnumMemberName("canceled")] Canceled,
    [JsonStringEnumMemberName("skipped")] Skipped,
}

internal static class ItemStatusExtensions
{
    public static bool IsTerminal(this ItemStatus status) => status is not (ItemStatus.Queued or ItemStatus.Running);

    /// <summary>The item status a prediction's end gives.</summary>
    public static ItemStatus ToItemStatus(this OutcomeStatus status) => status switch
    {
        OutcomeStatus.Succeeded => ItemStatus.Succeeded,
        OutcomeStatus.Failed => ItemStatus.Failed,
        OutcomeStatus.TimedOut => ItemStatus.TimedOut,
        _ => ItemStatus.Canceled,
    };
}
