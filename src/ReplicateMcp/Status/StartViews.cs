namespace ReplicateMcp.Status;

/// <summary>The answer of a start tool.</summary>
internal sealed record BatchStartView(string JobId, int Total, string Status, string Message);

internal sealed record PipelineStartView(string PipelineId, int Total, string Status, string Message);
