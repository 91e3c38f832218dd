namespace ReplicateMcp.Jobs;

/// <summary>
/// What a retry may run again (CONTRACT §10), as pure functions of a job snapshot: which items a request names or
/// implies, every reason to refuse it, and the snapshot the retry leaves behind.
/// </summary>
internal static class JobRetries
{
    /// <summary>The items to run again, or every problem with the request (nothing runs then).</summary>
    /// <param name="named">Item indices (batch) or step ids (pipeline) the caller named; null means everything that did not succeed.</param>
    public static RetrySelection Select(Job job, IReadOnlyList<string>? named)
    {
        var problems = new List<string>();
        var chosen = new SortedSet<int>();
        if (named is null)
        {
            foreach (var item in job.Items.Where(i => IsRetryable(i.Status))) chosen.Add(item.Index);
            if (chosen.Count == 0)
                problems.Add(job.Status == JobStatus.Running
                    ? $"Nothing to retry yet: no {Noun(job)} of {job.Id} has ended without success; the others are still running."
                    : $"Nothing to retry: every {Noun(job)} of {job.Id} succeeded.");
        }
        else
        {
            foreach (var name in named.Distinct(StringComparer.Ordinal))
            {
                if (Find(job, name) is not { } item)
                {
                    problems.Add($"{ListName(job)}: {Describe(job, name)} does not exist in {job.Id} ({Existing(job)}).");
                    continue;
                }
                switch (item.Status)
                {
                    case ItemStatus.Succeeded:
                        problems.Add($"{Describe(job, name)} succeeded; succeeded {Noun(job)}s are never run again.");
                        break;
                    case ItemStatus.Queued or ItemStatus.Running:
                        problems.Add($"{Describe(job, name)} is still {item.Status.ToWire()}; only {Noun(job)}s that ended can be retried.");
                        break;
                    default:
                        chosen.Add(item.Index);
                        break;
                }
            }
            // A skipped step runs again only with the step that doomed it: name that one (or leave steps out).
            foreach (var index in chosen.Where(i => job.Items[i].Status == ItemStatus.Skipped).ToList())
            {
                var blockers = UnsucceededAncestors(job, index).Where(a => job.Items[a].Status != ItemStatus.Skipped && !chosen.Contains(a)).ToList();
                if (blockers.Count > 0)
                    problems.Add($"{Describe(job, job.Items[index].Key)} was skipped because {string.Join(", ", blockers.Select(b => $"'{job.Items[b].Key}'"))} did not succeed; " +
                        "name that step too (or leave steps out to retry everything that did not succeed).");
            }
        }

        // Steps downstream of a step that runs again were skipped for it: they run again too, once their inputs exist.
        if (job.Kind == JobKind.Pipeline)
            foreach (var index in chosen.ToList())
                foreach (var d in Descendants(job, index).Where(d => job.Items[d].Status == ItemStatus.Skipped))
                    chosen.Add(d);

        return new RetrySelection(problems.Count == 0 ? [.. chosen] : [], problems);
    }

    /// <summary>
    /// The retry itself: each chosen item keeps how it ended in <see cref="JobItem.Attempts"/> and is queued afresh;
    /// the job runs again under <paramref name="ownerId"/>, its status derived as <c>running</c> again.
    /// </summary>
    public static Job Retried(this Job job, IReadOnlyCollection<int> indices, IReadOnlyCollection<int> expiredOutputs, string ownerId)
    {
        var items = job.Items.Select(item =>
        {
            if (expiredOutputs.Contains(item.Index)) item = item with { OutputsExpired = true };
            if (!indices.Contains(item.Index)) return item;
            return item with
            {
                Attempts = item.Attempts.Add(new ItemAttempt(item.PredictionId, item.Status, item.Error ?? item.SkipReason)),
                Status = ItemStatus.Queued,
                PredictionId = null,
                Sent = null,
                StartedAt = null,
                CompletedAt = null,
                Result = null,
                Error = null,
                SkipReason = null,
                SentInput = null,
            };
        });
        return job with
        {
            Version = Job.FormatVersion,
            Items = [.. items],
            CompletedAt = null,
            CanceledByUser = false,
            OwnerId = ownerId,
            Owner = null,
        };
    }

    /// <summary>The succeeded steps whose outputs feed <paramref name="indices"/> directly (their files may have expired since).</summary>
    public static IReadOnlyList<int> SucceededInputsOf(Job job, IReadOnlyCollection<int> indices)
    {
        var byId = StepIndex(job);
        return [.. indices
            .SelectMany(i => job.Items[i].DependsOn)
            .Select(id => byId[id])
            .Where(d => job.Items[d].Status == ItemStatus.Succeeded && !indices.Contains(d))
            .Distinct()
            .Order()];
    }

    /// <summary>How the answer names what runs again, e.g. "3 items will run again (1, 3, 4)".</summary>
    public static string Count(Job job, IReadOnlyCollection<int> indices)
    {
        var names = string.Join(", ", indices.Select(i => job.Items[i].Key));
        var noun = Noun(job) + (indices.Count == 1 ? "" : "s");
        return $"{indices.Count} {noun} will run again ({names})";
    }

    private static bool IsRetryable(ItemStatus status) => status is ItemStatus.Failed or ItemStatus.TimedOut or ItemStatus.Canceled;

    private static JobItem? Find(Job job, string name) => job.Kind == JobKind.Batch
        ? int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < job.Items.Length ? job.Items[index] : null
        : job.Items.FirstOrDefault(i => i.StepId == name);

    private static IEnumerable<int> UnsucceededAncestors(Job job, int index)
    {
        var byId = StepIndex(job);
        var seen = new HashSet<int>();
        var stack = new Stack<int>([index]);
        while (stack.Count > 0)
            foreach (var dep in job.Items[stack.Pop()].DependsOn.Select(id => byId[id]))
                if (job.Items[dep].Status != ItemStatus.Succeeded && seen.Add(dep))
                    stack.Push(dep);
        return seen.Order();
    }

    private static IEnumerable<int> Descendants(Job job, int index)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<string>([job.Items[index].Key]);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            foreach (var dependent in job.Items.Where(i => i.DependsOn.Contains(id)))
                if (seen.Add(dependent.Index)) stack.Push(dependent.Key);
        }
        return seen.Order();
    }

    private static Dictionary<string, int> StepIndex(Job job) =>
        job.Items.Where(i => i.StepId is not null).ToDictionary(i => i.StepId!, i => i.Index, StringComparer.Ordinal);

    private static string Noun(Job job) => job.Kind == JobKind.Batch ? "item" : "step";

    private static string ListName(Job job) => job.Kind == JobKind.Batch ? "items" : "steps";

    private static string Describe(Job job, string name) => job.Kind == JobKind.Batch ? $"items[{name}]" : $"steps[{name}]";

    private static string Existing(Job job) => job.Kind == JobKind.Batch
        ? $"its items are 0–{job.Items.Length - 1}"
        : $"its steps are {string.Join(", ", job.Items.Select(i => i.StepId))}";
}

/// <param name="Indices">The items that run again, in order; empty when refused.</param>
/// <param name="Problems">Why the retry is refused; empty when it may go ahead.</param>
internal sealed record RetrySelection(IReadOnlyList<int> Indices, IReadOnlyList<string> Problems);
