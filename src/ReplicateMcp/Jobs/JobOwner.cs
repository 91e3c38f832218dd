using System.Diagnostics;

namespace ReplicateMcp.Jobs;

/// <summary>
/// How format-1 job files named their owner: pid plus start time. Read only, for files written before owner locks;
/// a live process with that pid and start time (an older server) keeps its job.
/// </summary>
internal sealed record JobOwner(int ProcessId, DateTimeOffset ProcessStartedAt)
{
    /// <summary>Whether the process is still running: the same pid with another start time is another program.</summary>
    public bool IsAlive()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return Math.Abs((new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero) - ProcessStartedAt).TotalSeconds) < 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
