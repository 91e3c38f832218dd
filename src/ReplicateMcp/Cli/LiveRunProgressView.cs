using ReplicateMcp.Jobs;
using ReplicateMcp.Status;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReplicateMcp.Cli;

/// <summary>A live table that redraws in place; cleared at the end (the final status follows).</summary>
internal sealed class LiveRunProgressView(IAnsiConsole console, TimeProvider time) : IRunProgressView
{
    private readonly Lock _lock = new();
    private LiveDisplayContext? _context;
    private string? _notice;

    public Task<T> ShowAsync<T>(Func<Task<T>> body) =>
        console.Live(new Text("Starting…")).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            lock (_lock) _context = context;
            try { return await body(); }
            finally { lock (_lock) _context = null; }
        });

    public void Report(Job job, string? notice = null)
    {
        lock (_lock)
        {
            if (notice is not null) _notice = notice;
            if (_context is null) return;
            _context.UpdateTarget(Render(job));
            _context.Refresh();
        }
    }

    private IRenderable Render(Job job)
    {
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(JobViews.Headline(job))}[/]"),
            RunTable.Build(job, time.GetUtcNow(), final: false),
        };
        rows.Add(new Markup(Markup.Escape(_notice ?? "Ctrl+C cancels the job on Replicate.") , new Style(Color.Grey)));
        return new Rows(rows);
    }
}
