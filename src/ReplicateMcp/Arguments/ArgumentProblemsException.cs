namespace ReplicateMcp.Arguments;

/// <summary>
/// Bad arguments of a tool call or a run file: every problem found, each naming the field, the value given and
/// what is allowed. The MCP layer turns it into an <c>isError</c> result, the <c>run</c> command into exit code 2.
/// </summary>
internal sealed class ArgumentProblemsException(IReadOnlyList<string> problems) : Exception(Format(problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    private static string Format(IReadOnlyList<string> problems) =>
        problems.Count == 1 ? problems[0]
            : $"{problems.Count} problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", problems);
}
