using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Replicate;
using ReplicateMcp.Simulation;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// The production core (<see cref="CoreServiceCollectionExtensions.AddReplicateMcpCore"/>) in a host of its own,
/// over the built-in simulator: the real client, resilience pipeline, rate gate, runner, executor and store.
/// </summary>
internal sealed class CoreHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private CoreHarness(IHost host) => _host = host;

    public JobStarter Starter => _host.Services.GetRequiredService<JobStarter>();
    public IJobStore Store => _host.Services.GetRequiredService<IJobStore>();
    public JobRegistry Executor => _host.Services.GetRequiredService<JobRegistry>();
    public SimulatedReplicateHandler Simulator => _host.Services.GetRequiredService<SimulatedReplicateHandler>();

    /// <param name="predictionSeconds">How long every simulated prediction takes.</param>
    /// <param name="maxPreferWaitSeconds">Replicate:MaxPreferWaitSeconds.</param>
    /// <param name="paced">
    /// True: Replicate's real create limit (600/min, the product default). False: the gate is rebuilt with an
    /// unreachable limit (bypassing the options' 6000/min bound) to expose the orchestration cost alone.
    /// </param>
    public static async Task<CoreHarness> StartAsync(double predictionSeconds, int maxPreferWaitSeconds = 60, bool paced = true)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Replicate:Simulate"] = "true",
            ["Replicate:MaxPreferWaitSeconds"] = maxPreferWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Simulator:PredictionSeconds"] = predictionSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Predictions:MaxConcurrency"] = "100", // above any job's concurrency: the process cap is not under test
            ["Jobs:StateDirectory"] = "",           // memory only
            ["Downloads:DownloadDirectory"] = Path.Combine(Path.GetTempPath(), "replicate-mcp-bench-downloads"),
        });
        builder.Logging.ClearProviders();
        builder.Services.AddLogging();
        builder.Services.AddReplicateMcpCore(builder.Configuration);
        if (!paced)
            builder.Services.AddSingleton(sp => new RateLimitGate(
                sp.GetRequiredService<TimeProvider>(), Options.Create(new ReplicateOptions { CreatesPerMinute = 60_000_000 })));
        var host = builder.Build();
        await host.StartAsync();
        return new CoreHarness(host);
    }

    /// <summary>Starts a job through <see cref="JobStarter"/> and waits for its background run to end.</summary>
    public async Task<Job> RunAsync(JobSpec spec)
    {
        var started = await Starter.StartAsync(spec, CancellationToken.None);
        await Executor.WhenStoppedAsync(started.Job.Id);
        return Store.Get(started.Job.Id) ?? throw new InvalidOperationException($"Job {started.Job.Id} vanished.");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
