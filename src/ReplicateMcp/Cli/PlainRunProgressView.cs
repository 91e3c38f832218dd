using System.Globalization;
using ReplicateMcp.Jobs;
using ReplicateMcp.Status;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Cli;

/// <summary>One line per status change, for logs: nothing is redrawn.</summary>
internal sealed class PlainRunProgressView(TextWriter writer, TimeProvider time) : IRunProgressView
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, ItemStatus> _seen = [];
    private readonly long _started = time.GetTimestamp();
    private bool _finished;

    public Task<T> ShowAsync<T>(Func<Task<T>> body) => body();

    public void Report(Job job, string? notice = null)
    {
        lock (_lock)
        {
            if (notice is not null) writer.WriteLine($"{Stamp()} {notice}");
            var width = job.Items.Max(i => RunTable.Name(i).Length);
            foreach (var item in job.Items)
            {
                var known = _seen.TryGetValue(item.Index, out var before);
                if (known ? before == item.Status : item.Status == ItemStatus.Queued) continue;
                _seen[item.Index] = item.Status;
                var detail = RunTable.Summary(job, item, 200);
                var model = item.Status == ItemStatus.Running ? item.Model + " " : "";
                writer.WriteLine($"{Stamp()} {RunTable.Name(item).PadRight(width)}  {item.Status.ToWire(),-9}  {model}{detail}".TrimEnd());
            }
            if (job.IsFinished && !_finished)
            {
                _finished = true;
                writer.WriteLine($"{Stamp()} {JobViews.Headline(job)}");
            }
            writer.Flush();
        }
    }

    private string Stamp() => "[" + time.GetElapsedTime(_started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(6) + "s]";
}
