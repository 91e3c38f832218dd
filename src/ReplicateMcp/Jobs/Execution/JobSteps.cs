using ReplicateMcp.Pipelines;

namespace ReplicateMcp.Jobs.Execution;

/// <summary>What the pipeline rooms (scheduling order, input filling) are told of a job: its steps and their states.</summary>
internal static class JobSteps
{
    public static StepGraph Graph(Job job) => new([.. job.Items.Select(item => new GraphStep(item.Key, item.StepId, item.DependsOn, State(item.Status), item.Status.ToWire()))]);

    /// <summary>Records an item's end in <paramref name="graph"/>.</summary>
    public static (IReadOnlyList<int> Ready, IReadOnlyList<(int Index, string Reason)> Skipped) Finished(this StepGraph graph, int index, ItemStatus status) =>
        graph.Finished(index, status == ItemStatus.Succeeded, status.ToWire());

    /// <summary>What preparing <paramref name="item"/>'s input needs: for a step, the results of the steps it depends on.</summary>
    public static StepInputRequest InputRequest(Job job, JobItem item) => new(
        job.Id,
        job.Kind == JobKind.Batch ? $"items[{item.Index}].input" : $"steps[{item.StepId}].input",
        item.Model,
        item.Input,
        item is { Status: ItemStatus.Running, PredictionId: not null },
        job.Kind == JobKind.Batch ? null : job.Items
            .Where(i => i.StepId is not null && item.DependsOn.Contains(i.StepId) && i.Status == ItemStatus.Succeeded)
            .ToDictionary(i => i.StepId!, i => i.OutputsExpired ? StepFields.FromDownloads(i.Result) : StepFields.From(i.Result), StringComparer.Ordinal),
        job.Settings.Validate,
        job.ClientRoots);

    private static StepState State(ItemStatus status) => status switch
    {
        ItemStatus.Queued => StepState.Queued,
        ItemStatus.Running => StepState.Running,
        ItemStatus.Succeeded => StepState.Succeeded,
        ItemStatus.Skipped => StepState.Skipped,
        _ => StepState.Unsucceeded,
    };
}
