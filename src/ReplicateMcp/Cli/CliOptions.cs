using ReplicateMcp.Hosting;

namespace ReplicateMcp.Cli;

internal enum CliCommand { Serve, Run, Help, Version, BundleManifest }

/// <summary>The command line: our flags, plus <c>--Section:Key=value</c> configuration overrides.</summary>
/// <param name="RetryJobId">With <c>run --retry JOB_ID</c>: the job whose items that did not succeed run again (CONTRACT §10).</param>
internal sealed record CliOptions(CliCommand Command, string? File, bool Simulate, bool Json, IReadOnlyList<string> ConfigurationArgs, string? RetryJobId = null)
{
    public const string Usage = """
        replicate-mcp — run batches and pipelines of Replicate predictions from an MCP client.

        Usage:
          replicate-mcp [--simulate] [--input-dirs DIR...]
                                                     stdio MCP server (what MCP clients start)
          replicate-mcp run FILE [--simulate] [--json]
                                                     run a batch or pipeline file in the terminal
          replicate-mcp run --retry JOB_ID [--simulate] [--json]
                                                     run a finished job's failed items or steps again
          replicate-mcp --help | --version

        FILE holds the arguments of replicate_batch_start ({"items": [...]}) or
        replicate_pipeline_start ({"steps": [...]}). Progress goes to stderr; the final status goes
        to stdout (JSON with --json). Exit code 0 when everything succeeded, 1 otherwise, 2 on bad input.

        Example: replicate-mcp run examples/pipeline-generate-upscale-nobg.json --simulate

        --retry JOB_ID runs again, in the same job, what did not succeed in a job that run (or a server)
        started on this state folder: succeeded items are kept and not paid for again.

        --simulate uses the built-in offline Replicate simulator (no token, no network).
        --input-dirs DIR... adds folders whose files may be sent as model inputs (like REPLICATE_MCP_INPUT_DIRS).
        """;

    /// <summary>Parses; returns null with <paramref name="error"/> set when the line makes no sense.</summary>
    public static CliOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var command = CliCommand.Serve;
        string? file = null, retry = null;
        bool simulate = false, json = false;
        var config = new List<string>();
        List<string>? inputDirs = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "--help" or "-h" or "-?": return new(CliCommand.Help, null, false, false, []);
                case "--version": return new(CliCommand.Version, null, false, false, []);
                // Hidden: the manifest of an MCP Bundle holding this executable, from the given template (docs/bundle.md).
                case "--bundle-manifest" when i == 0 && args.Count == 2: return new(CliCommand.BundleManifest, args[1], false, false, []);
                case "--input-dirs":
                    // Each folder is its own argument: that is how an MCP Bundle host passes a setting of several folders.
                    inputDirs ??= [];
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        if (args[++i] is var folder && !UnfilledPlaceholder.Matches(folder))
                            inputDirs.Add(folder);
                    break;
                case "--simulate": simulate = true; break;
                case "--json": json = true; break;
                case "run" when command == CliCommand.Serve && i == 0:
                    command = CliCommand.Run;
                    if (i + 1 < args.Count && args[i + 1] == "--retry")
                    {
                        if (i + 2 >= args.Count || args[i + 2].StartsWith("--", StringComparison.Ordinal))
                        {
                            error = "run --retry: give the job id to retry, e.g. replicate-mcp run --retry batch-abcdefgh2345 (it is printed when a run starts)";
                            return null;
                        }
                        retry = args[i + 2];
                        i += 2;
                        break;
                    }
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        error = "run: give the file to run, e.g. replicate-mcp run examples/pipeline-generate-upscale-nobg.json --simulate";
                        return null;
                    }
                    file = args[++i];
                    break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
                    {
                        config.Add(a);
                        break;
                    }
                    error = $"unknown argument '{a}'; see replicate-mcp --help";
                    return null;
            }
        }
        if (inputDirs is not null)
            config.Add("--input-dirs=" + string.Join(Path.PathSeparator, inputDirs));
        if (json && command != CliCommand.Run)
        {
            error = "--json goes with run";
            return null;
        }
        return new(command, file, simulate, json, config, retry);
    }
}
