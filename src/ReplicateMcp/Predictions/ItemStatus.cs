using System.Text.Json.Serialization;

namespace ReplicateMcp.Predictions;

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

    public static string ToWire(this ItemStatus status) => status switch
    {
        ItemStatus.Queued => "queued",
        ItemStatus.Running => "running",
        ItemStatus.Succeeded => "succeeded",
        ItemStatus.Failed => "failed",
        ItemStatus.TimedOut => "timed_out",
        ItemStatus.Canceled => "canceled",
        _ => "skipped",
    };
}
