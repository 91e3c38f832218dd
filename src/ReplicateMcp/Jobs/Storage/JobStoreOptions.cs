using System.ComponentModel.DataAnnotations;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Retention and where state lives.</summary>
internal sealed class JobStoreOptions
{
    /// <summary>Finished jobs kept at most; the oldest finished go first.</summary>
    [Range(1, 100_000)]
    public int MaxFinishedJobs { get; set; } = 200;

    /// <summary>REPLICATE_MCP_STATE_DIR; null keeps jobs in memory only.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>How long a burst of changes to one job is gathered into one file write.</summary>
    public TimeSpan WriteCoalescing { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a server looks for unfinished jobs whose owner is gone (CONTRACT §6: adopted within 5 s).</summary>
    public TimeSpan OrphanSweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after start the kept jobs are loaded unless a tool call needs them first: a client's <c>initialize</c>
    /// is answered before the load's parsing competes for the CPU (issue 20).
    /// </summary>
    public TimeSpan LoadGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>False for <c>replicate-mcp run</c>: it runs its own job only and never adopts another.</summary>
    public bool AdoptOrphans { get; set; } = true;
}
