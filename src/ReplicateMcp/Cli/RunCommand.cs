using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;
using ReplicateMcp.Jobs;
using ReplicateMcp.Mcp;
using ReplicateMcp.Status;
using Spectre.Console;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Cli;

/// <summary>
/// <c>replicate-mcp run FILE</c>: starts a batch or pipeline file like the start tool would, shows progress on stderr,
/// prints the final status on stdout. Exit code 0 when every item succeeded, 1 otherwise, 2 on bad input.
/// </summary>
internal static class RunCommand
{
    public const int Succeeded = 0;
    public const int NotAllSucceeded = 1;
    public const int BadInput = 2;

    private static readonly JsonSerializerOptions IndentedJson = new(StatusJson.Options) { WriteIndented = true };

    // The source-generated metadata of the tool results, indented: no reflection-based serialization (Native AOT).
    private static JsonTypeInfo<T> IndentedInfo<T>() => (JsonTypeInfo<T>)IndentedJson.GetTypeInfo(typeof(T));

    public static async Task<int> ExecuteAsync(IHost host, CliOptions options, TextWriter stdout)
    {
        Func<IServiceProvider, CancellationToken, Task<StartOutcome>> start;
        if (options.RetryJobId is { } retryId)
        {
            if (!JobIds.IsValid(retryId)) return Refuse($"--retry: '{retryId}' is not a job id; ids look like batch-abcdefgh2345 or pipe-abcdefgh2345 (printed when a run starts).");
            var kind = retryId.StartsWith("batch-", StringComparison.Ordinal) ? JobKind.Batch : JobKind.Pipeline;
            start = (services, ct) => services.GetRequiredService<JobRetrier>().RetryAsync(kind, retryId, "--retry", null, ct);
        }
        else
        {
            var spec = RunFileReader.Read(options.File ?? "", out var problem);
            if (spec is null) return Refuse(problem!);
            start = (services, ct) => services.GetRequiredService<JobService>().StartAsync(spec, ct);
        }

        using var interrupt = new ConsoleInterrupt();
        await host.StartAsync(CancellationToken.None);
        try
        {
            return await RunAsync(host.Services, start, options.RetryJobId is not null, options.Json, stdout, interrupt);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None); // flushes state; the job has ended by now
        }
    }

    private static async Task<int> RunAsync(IServiceProvider services, Func<IServiceProvider, CancellationToken, Task<StartOutcome>> start, bool retry, bool json,
        TextWriter stdout, ConsoleInterrupt interrupt)
    {
        var time = services.GetRequiredService<TimeProvider>();
        StartOutcome started;
        try
        {
            started = await start(services, interrupt.Token);
        }
        catch (JobStartException ex)
        {
            return Refuse(retry ? JobRetrier.RefusalText(ex) : JobService.RefusalText(ex));
        }
        catch (JobLookupException ex)
        {
            return Refuse(ex.Message.Replace("replicate_list_jobs shows the jobs still kept.", "", StringComparison.Ordinal).TrimEnd());
        }
        catch (OperationCanceledException) when (interrupt.IsRequested)
        {
            Console.Error.WriteLine("replicate-mcp: interrupted; nothing was started.");
            return NotAllSucceeded;
        }

        var job = started.Job;
        var noun = job.Kind == JobKind.Batch ? "batch" : "pipeline";
        var unit = job.Kind == JobKind.Batch ? "item" : "step";
        Console.Error.WriteLine(retry
            ? started.Message.Replace(JobRetrier.FollowHint(job), "", StringComparison.Ordinal)
            : $"Started {noun} {job.Id}: {job.Items.Length} {unit}{(job.Items.Length == 1 ? "" : "s")}, concurrency {job.Settings.Concurrency}." +
              (job.Note is { } note ? " " + note : ""));

        var error = Console.Error;
        var view = CreateView(error, time);
        var follower = new RunFollower(services.GetRequiredService<IJobStore>(), services.GetRequiredService<JobRegistry>(), services.GetRequiredService<JobWaiter>(), time);
        job = await view.ShowAsync(() => follower.FollowAsync(job, view, interrupt));

        if (json)
        {
            if (view is LiveRunProgressView) error.WriteLine(JobViews.Headline(job));
            await stdout.WriteLineAsync(job.Kind == JobKind.Batch
                ? JsonSerializer.Serialize(JobViews.Batch(job), IndentedInfo<BatchStatusView>())
                : JsonSerializer.Serialize(JobViews.Pipeline(job), IndentedInfo<PipelineStatusView>()));
        }
        else
        {
            var downloads = services.GetRequiredService<IOptions<DownloadOptions>>().Value.DownloadDirectory;
            RunSummary.Write(CreateConsole(stdout, !Console.IsOutputRedirected), job, time.GetUtcNow(), Path.Combine(downloads, job.Id));
        }
        await stdout.FlushAsync();
        return job.Status == JobStatus.Succeeded ? Succeeded : NotAllSucceeded;
    }

    private static int Refuse(string problem)
    {
        Console.Error.WriteLine($"replicate-mcp: {problem}");
        return BadInput;
    }

    private static IRunProgressView CreateView(TextWriter error, TimeProvider time)
    {
        if (Console.IsErrorRedirected) return new PlainRunProgressView(error, time);
        var console = CreateConsole(error, isTerminal: true);
        return console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi
            ? new LiveRunProgressView(console, time)
            : new PlainRunProgressView(error, time);
    }

    /// <summary>A console over <paramref name="writer"/>; no colors or cursor moves when it is not a terminal (pipes, files, CI).</summary>
    private static IAnsiConsole CreateConsole(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal) console.Profile.Width = 200; // no wrapping at 80 columns in a file
        return console;
    }
}
