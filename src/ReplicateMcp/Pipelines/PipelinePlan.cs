namespace ReplicateMcp.Pipelines;

/// <summary>
/// The outcome of validating a pipeline: every problem found, or, when there are none, each step's
/// effective dependencies (declared ∪ referenced, sorted ordinal) and an order in which the steps can run.
/// </summary>
internal sealed record PipelinePlan(
    IReadOnlyList<string> Errors,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies,
    IReadOnlyList<string> Order)
{
    public bool IsValid => Errors.Count == 0;
}
