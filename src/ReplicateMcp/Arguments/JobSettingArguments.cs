using ReplicateMcp.Jobs;

namespace ReplicateMcp.Arguments;

/// <summary>The settings both start tools take, each tool with its own bounds and descriptions.</summary>
internal sealed record JobSettingArguments(IntArgument Concurrency, BoolArgument Download, IntArgument Timeout, IntArgument Ttl, BoolArgument Validate)
{
    public IEnumerable<ToolArgument> All => [Concurrency, Download, Timeout, Ttl, Validate];

    public JobSettings Read(ToolArguments args) =>
        new(args.Read(Concurrency), args.Read(Download), args.Read(Timeout), args.Read(Ttl), args.Read(Validate));
}
