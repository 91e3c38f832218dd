using Microsoft.Extensions.Hosting;

namespace ReplicateMcp.Cli;

/// <summary><c>replicate-mcp run FILE</c>: a batch or pipeline from the terminal.</summary>
internal static class RunCommand
{
    public static Task<int> ExecuteAsync(IHost host, CliOptions options, TextWriter stdout)
    {
        _ = host; _ = options; _ = stdout;
        Console.Error.WriteLine("run: not implemented yet");
        return Task.FromResult(2);
    }
}
