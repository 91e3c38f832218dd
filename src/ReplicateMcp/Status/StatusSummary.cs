using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>
/// A job status as text (contract §3): the headline, then one line per item or step with its status, files (local
/// path, else URL), text output shortened, error or skip reason, and the prediction id where a reader may need it.
/// Clients that show only the text content hand the model this, so it must carry what the structured status does,
/// and stay small: files are named inside their item's folder, and neighbouring batch items that read the same
/// share one line ("items 0–49 succeeded: output-0.webp, output-1.webp").
/// </summary>
internal static class StatusSummary
{
    public const int TextChars = 200;

    public static string Of(Job job, bool includeResults)
    {
        var lines = new List<string> { JobViews.Headline(job) };
        if (job.Note is { } note) lines.Add(note);
        var results = job.Items.Select(i => includeResults ? LeanResult.Of(i.Result, i.PredictionId) : null).ToList();
        var files = FileNaming.For(job, results);
        if (files.Header is { } header) lines.Add(header);

        var entries = job.Items.Select((item, n) => (item, text: Describe(item, results[n], files))).ToList();
        for (var start = 0; start < entries.Count;)
        {
            var end = start;
            // Batch items that read alike share a line; steps have names of their own and keep one line each.
            while (job.Kind == JobKind.Batch && end + 1 < entries.Count && entries[end + 1].text == entries[start].text) end++;
            var name = entries[start].item.StepId is { } step ? $"step {step}"
                : end == start ? $"item {entries[start].item.Index}" : $"items {entries[start].item.Index}–{entries[end].item.Index}";
            lines.Add($"{name} {entries[start].text}");
            start = end + 1;
        }
        return string.Join('\n', lines);
    }

    /// <summary>The jobs of <c>replicate_list_jobs</c>, one headline each.</summary>
    public static string Of(IReadOnlyList<Job> jobs)
    {
        var running = jobs.Count(j => !j.IsFinished);
        var lines = new List<string> { $"{jobs.Count} job{(jobs.Count == 1 ? "" : "s")} kept, {running} running." };
        lines.AddRange(jobs.Select(j => JobViews.Headline(j) + (j.ExpiresAt is { } expires ? $" Kept until {JobViews.Time(expires)}." : "")));
        return string.Join('\n', lines);
    }

    /// <summary>"succeeded: output-0.webp, …" or "failed (prediction x): error" (everything but the item's name).</summary>
    private static string Describe(JobItem item, PredictionResult? result, FileNaming files)
    {
        var head = item.Status.ToWire();
        if (!item.Attempts.IsEmpty) head += $" (attempt {item.Attempts.Length + 1}; earlier: {string.Join(", ", item.Attempts.Select(a => a.Status.ToWire()))})";
        if (item.PredictionId is { } id && item.Status != ItemStatus.Succeeded)
            head += result?.Pending == true
                ? $" (prediction {id} still runs on Replicate; replicate_get_prediction fetches it later)"
                : $" (prediction {id})";
        var parts = new List<string>();
        if (result is not null) parts.AddRange(ResultText.Parts(result, path => files.Show(item, path), TextChars));
        if (item.Error is { } error) parts.Add(error);
        if (item.SkipReason is { } reason) parts.Add(reason);
        return parts.Count == 0 ? head : $"{head}: {string.Join("; ", parts)}";
    }
}
