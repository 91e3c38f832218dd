using ReplicateMcp.Jobs;
using ReplicateMcp.Status;
using ReplicateMcp.Predictions;
using Spectre.Console;

namespace ReplicateMcp.Cli;

/// <summary>The final status of a run as a person reads it (the default; <c>--json</c> prints the status object instead).</summary>
internal static class RunSummary
{
    public static void Write(IAnsiConsole console, Job job, DateTimeOffset now, string downloadFolder)
    {
        var color = job.Status switch
        {
            JobStatus.Succeeded => "green",
            JobStatus.Failed => "red",
            _ => "yellow",
        };
        console.MarkupLine($"[{color}]{Markup.Escape(JobViews.Headline(job))}[/]");
        console.Write(RunTable.Build(job, now, final: true));
        if (job.Note is { } note) console.WriteLine(note);
        if (job.Items.Any(i => i.Result?.LocalPaths.Count > 0)) console.WriteLine($"Files: {downloadFolder}");
        var timedOut = job.Items.Where(i => i.Status == ItemStatus.TimedOut && i.PredictionId is not null).ToList();
        if (timedOut.Count > 0)
            console.WriteLine("Timed-out predictions keep running on Replicate: " + string.Join(", ", timedOut.Select(i => i.PredictionId)));
    }
}
