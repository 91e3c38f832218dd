namespace ReplicateMcp.Jobs.Service;

/// <summary>A start was refused; every problem found is listed, so one answer fixes them all.</summary>
internal sealed class JobStartException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Every problem under <paramref name="nothingDone"/> ("Nothing was started"), one line each when there are several.</summary>
    public string Text(string nothingDone) =>
        Problems.Count == 1
            ? $"{nothingDone}: {Problems[0]}"
            : $"{nothingDone}; {Problems.Count} problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", Problems);
}
