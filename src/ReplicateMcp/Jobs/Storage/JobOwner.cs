using System.Diagnostics;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Identifies a server process: pid plus start time, because pids are reused.</summary>
internal sealed record JobOwner(int ProcessId, DateTimeOffset ProcessStartedAt)
{
    /// <summary>This process.</summary>
    public static JobOwner Current()
    {
        using var self = Process.GetCurrentProcess();
        return Of(self);
    }

    private static JobOwner Of(Process process) =>
        new(process.Id, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero));

    /// <summary>Whether the process is still running: the same pid with another start time is another program.</summary>
    public bool IsAlive()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return Math.Abs((Of(process).ProcessStartedAt - ProcessStartedAt).TotalSeconds) < 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
