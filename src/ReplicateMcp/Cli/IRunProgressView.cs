using ReplicateMcp.Jobs;

namespace ReplicateMcp.Cli;

/// <summary>Shows a running job on stderr: a live table in a terminal, plain lines otherwise (CI, pipes).</summary>
internal interface IRunProgressView
{
    /// <summary>Runs <paramref name="body"/> while the view is up.</summary>
    Task<T> ShowAsync<T>(Func<Task<T>> body);

    /// <summary>A new snapshot of the job, and optionally a notice for the user.</summary>
    void Report(Job job, string? notice = null);
}
