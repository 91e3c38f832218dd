using System.Globalization;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReplicateMcp.Cli;

/// <summary>The per-item table of a run: live (short details) on stderr, final (every output) on stdout.</summary>
internal static class RunTable
{
    private const int LiveDetailLength = 70;
    private const int FinalTextLength = 400;

    public static Table Build(Job job, DateTimeOffset now, bool final)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (!final) table.Expand();
        table.AddColumn(job.Kind == JobKind.Pipeline ? "step" : "#");
        table.AddColumn("model");
        table.AddColumn("status");
        table.AddColumn(new TableColumn("time").RightAligned());
        table.AddColumn(final ? "output" : "detail");
        foreach (var item in job.Items)
        {
            table.AddRow(
                new Text(Name(item)),
                new Text(item.Model),
                new Markup($"[{Color(item.Status)}]{item.Status.ToWire()}[/]"),
                new Text(Elapsed(item, now)),
                Detail(job, item, final));
        }
        return table;
    }

    public static string Name(JobItem item) => item.StepId ?? item.Index.ToString(CultureInfo.InvariantCulture);

    public static string Elapsed(JobItem item, DateTimeOffset now)
    {
        if (item.StartedAt is not { } started) return "";
        var seconds = Math.Max(0, ((item.CompletedAt ?? now) - started).TotalSeconds);
        return seconds < 60 ? seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
            : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds < 3600 ? @"m\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>One line about the item: its outputs, error, skip reason, or what it waits for.</summary>
    public static string Summary(Job job, JobItem item, int maxLength)
    {
        var text = item.Status switch
        {
            ItemStatus.Queued when item.DependsOn.Length > 0 && WaitingFor(job, item) is { Length: > 0 } waiting => "waiting for " + waiting,
            ItemStatus.Queued => "",
            ItemStatus.Running => item.PredictionId is { } id ? "prediction " + id : "creating the prediction",
            ItemStatus.Skipped => item.SkipReason ?? "",
            ItemStatus.Succeeded => Outputs(item.Result).FirstOrDefault() is { } first
                ? first + (Outputs(item.Result).Count > 1 ? $" (+{Outputs(item.Result).Count - 1} more)" : "")
                : "no output",
            _ => item.Error ?? item.Result?.Error ?? "",
        };
        return Shorten(text, maxLength);
    }

    private static IRenderable Detail(Job job, JobItem item, bool final)
    {
        if (!final || item.Status != ItemStatus.Succeeded) return new Text(Summary(job, item, final ? FinalTextLength : LiveDetailLength));
        var lines = Outputs(item.Result).Select(o => Shorten(o, FinalTextLength)).ToList();
        if (item.Result?.DownloadError is { } downloadError) lines.Add("download failed: " + downloadError);
        return new Text(lines.Count == 0 ? "no output" : string.Join(Environment.NewLine, lines));
    }

    /// <summary>What a person wants to open: downloaded files, else URLs, else the text.</summary>
    private static List<string> Outputs(PredictionResult? result) => result switch
    {
        null => [],
        { LocalPaths.Count: > 0 } => [.. result.LocalPaths],
        { Urls.Count: > 0 } => [.. result.Urls],
        _ => [.. result.TextOutput.Select(t => t.ReplaceLineEndings(" ").Trim())],
    };

    private static string WaitingFor(Job job, JobItem item) =>
        string.Join(", ", item.DependsOn.Where(d => job.Items.FirstOrDefault(i => i.StepId == d) is not { Status: ItemStatus.Succeeded }));

    private static string Shorten(string text, int maxLength)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");
    }

    private static string Color(ItemStatus status) => status switch
    {
        ItemStatus.Succeeded => "green",
        ItemStatus.Failed => "red",
        ItemStatus.Running => "blue",
        ItemStatus.TimedOut or ItemStatus.Canceled => "yellow",
        _ => "grey",
    };
}
