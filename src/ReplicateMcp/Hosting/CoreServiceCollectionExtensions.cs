using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;
using ReplicateMcp.Jobs;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Simulation;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Hosting;

internal static class CoreServiceCollectionExtensions
{
    public const string DownloadClientName = "downloads";

    /// <summary>Everything below the MCP layer: options, Replicate client, runner, jobs, downloads.</summary>
    public static IServiceCollection AddReplicateMcpCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReplicateOptions>().Bind(configuration.GetSection("Replicate")).ValidateOnStart();
        services.AddOptions<PredictionRunnerOptions>().Bind(configuration.GetSection("Predictions")).ValidateOnStart();
        services.AddOptions<JobStoreOptions>().Bind(configuration.GetSection("Jobs")).ValidateOnStart();
        // Data annotations are checked by source-generated validators (no reflection: Native AOT).
        services.AddSingleton<IValidateOptions<ReplicateOptions>, ReplicateOptionsValidator>();
        services.AddSingleton<IValidateOptions<PredictionRunnerOptions>, PredictionRunnerOptionsValidator>();
        services.AddSingleton<IValidateOptions<JobStoreOptions>, JobStoreOptionsValidator>();
        services.AddSingleton<IValidateOptions<DownloadOptions>, DownloadOptionsValidator>();
        services.AddOptions<SimulatorOptions>().Configure(o =>
        {
            if (double.TryParse(configuration["Simulator:PredictionSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                o.PredictionDuration = TimeSpan.FromSeconds(seconds);
        });
        services.AddOptions<DownloadOptions>().Configure<IOptions<ReplicateOptions>>((o, replicate) =>
        {
            configuration.GetSection("Downloads").Bind(o);
            o.ApiBaseUrl = replicate.Value.NormalizedBaseUrl;
        }).ValidateOnStart();

        services.AddOptions<LocalFileOptions>().Bind(configuration.GetSection("LocalFiles")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LocalFileOptions>, LocalFileOptionsValidator>();
        services.TryAddSingleton(sp => AllowedFolders.FromOptions(sp.GetRequiredService<IOptions<DownloadOptions>>(), sp.GetRequiredService<IOptions<LocalFileOptions>>()));

        services.AddSingleton(sp => new SimulatedReplicateHandler(new SimulatorOptions
        {
            BaseUrl = sp.GetRequiredService<IOptions<ReplicateOptions>>().Value.NormalizedBaseUrl,
            PredictionDuration = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value.PredictionDuration,
            FlakyMemoryDirectory = sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.StateDirectory is { Length: > 0 } state ? Path.Combine(state, "simulator", "flaky") : null,
        }, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<HttpMessageHandler>(ReplicateServiceCollectionExtensions.SimulatorHandlerKey, (sp, _) => sp.GetRequiredService<SimulatedReplicateHandler>());
        services.AddReplicateClient();
        services.AddHttpClient(DownloadClientName, http => http.Timeout = TimeSpan.FromMinutes(30))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<IOptions<ReplicateOptions>>().Value.Simulate
                ? sp.GetRequiredService<SimulatedReplicateHandler>()
                // Redirects are followed by the downloader itself, checking every hop against the allowlist.
                : new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(15) });
        services.AddSingleton(sp => new OutputDownloader(
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(DownloadClientName),
            sp.GetRequiredService<IOptions<DownloadOptions>>().Value,
            sp.GetRequiredService<ILogger<OutputDownloader>>()));

        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<PredictionResultBuilder>();
        services.AddSingleton(sp => new HeldCreateFinder(sp.GetRequiredService<ReplicateClock>(), sp.GetService<IFollowingObserver>()));
        services.AddSingleton(sp => new PredictionTracker(
            sp.GetRequiredService<IReplicateClient>(), sp.GetRequiredService<ReplicateClock>(), sp.GetRequiredService<HeldCreateFinder>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PredictionTracker>>(), sp.GetService<IFollowingObserver>())
        {
            FailureBudget = sp.GetRequiredService<IOptions<PredictionRunnerOptions>>().Value.PollFailureBudget,
        });
        services.AddHostedService(sp => sp.GetRequiredService<PredictionTracker>());
        services.AddSingleton<SentCreateFinder>();
        services.AddSingleton<IRecordedSentCreates, StoredSentCreates>();
        services.AddSingleton<HeldCreates>();
        services.AddSingleton<PredictionRunner>();
        services.AddSingleton<IJobPersistence>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<JobStoreOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.StateDirectory)
                ? new NullJobPersistence()
                : new JsonFileJobPersistence(options.StateDirectory, options.WriteCoalescing, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JsonFileJobPersistence>>());
        });
        services.AddSingleton<InMemoryJobStore>();
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<InMemoryJobStore>());
        services.AddSingleton<InputFileSender>();
        services.AddSingleton<StepInputPreparer>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<JobRegistry>();
        services.AddSingleton<JobInputChecks>();
        services.AddSingleton<JobStarter>();
        services.AddSingleton<JobRetrier>();
        services.AddSingleton<JobService>();
        services.TryAddSingleton<ProcessOwnership>();
        services.AddSingleton<JobStateLoad>();
        services.AddSingleton<JobFinder>();
        services.AddSingleton<JobWaiter>();
        services.AddHostedService<JobEvictionService>();
        services.AddHostedService<JobRecoveryService>();
        // After recovery: hosted services stop in reverse order, so running jobs are awaited before the flush.
        services.AddHostedService(sp => sp.GetRequiredService<JobRegistry>());
        return services;
    }
}
