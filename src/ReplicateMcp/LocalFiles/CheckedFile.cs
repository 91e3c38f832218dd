namespace ReplicateMcp.LocalFiles;

/// <summary>A local file that passed every rule: its real path (links followed) and its size when checked.</summary>
internal sealed record CheckedFile(string Path, long Size);

/// <summary>The outcome of checking one path: a file to send, or the rule it broke (with the figures the message needs).</summary>
internal sealed record FileCheck(CheckedFile? File, LocalFileRule? Rule, long Size = 0, string? Reason = null)
{
    public static FileCheck Refused(LocalFileRule rule, long size = 0, string? reason = null) => new(null, rule, size, reason);
}
