using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReplicateMcp.Replicate;

/// <summary>Replicate's prediction object, read loosely: real responses differ from the schema (see 07).</summary>
internal sealed record Prediction
{
    public string Id { get; init; } = "";
    public string? Model { get; init; }
    public string? Version { get; init; }
    public string Status { get; init; } = "";
    public JsonElement? Output { get; init; }
    public JsonElement? Error { get; init; }
    public string? Logs { get; init; }
    public JsonElement? Metrics { get; init; }

    /// <summary>The input as Replicate keeps it; list answers carry it, so a held create can be recognised (CONTRACT §5).</summary>
    public JsonElement? Input { get; init; }

    /// <summary>When Replicate created the prediction, in Replicate's clock.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Replicate has deleted the prediction's input and output files (about an hour after it ended, for API predictions).</summary>
    public bool DataRemoved { get; init; }

    [JsonIgnore]
    public bool IsTerminal => PredictionStatuses.IsTerminal(Status);

    /// <summary>Replicate's error as text, whatever shape it came in.</summary>
    [JsonIgnore]
    public string? ErrorText => Error is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } e
        ? e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()
        : null;
}

/// <summary>Replicate's status words.</summary>
internal static class PredictionStatuses
{
    public const string Starting = "starting";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
    public const string Aborted = "aborted";

    public static bool IsTerminal(string status) =>
        status is Succeeded or Failed or Canceled or Aborted;
}
