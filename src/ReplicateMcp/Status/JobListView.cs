namespace ReplicateMcp.Status;

internal sealed record JobListView(IReadOnlyList<JobSummaryView> Jobs);

internal sealed record JobSummaryView(
    string Id, string Kind, string Status, int Total, int Succeeded, int Failed, string CreatedAt, string? CompletedAt, string? ExpiresAt);
