namespace ReplicateMcp.Jobs.Service;

/// <summary>A start was refused; every problem found is listed, so one answer fixes them all.</summary>
internal sealed class JobStartException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
