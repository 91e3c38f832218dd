using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Replicate;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.TestUtilities.Exec;

/// <summary>
/// The one core harness: the production core (AddReplicateMcpCore) on an in-memory configuration, with
/// <see cref="ScriptedReplicateClient"/> in place of the HTTP client — or, given <c>apiBaseUrl</c>, the real HTTP client
/// (and its resilience pipeline) against an HTTP fake. Token set, state in memory only, downloads into a temp folder.
/// Hosted services run only after <see cref="StartHostedServicesAsync"/>.
/// </summary>
internal sealed class ExecCoreHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The API token configured (when <c>withToken</c>).</summary>
    public const string Token = StatefulReplicateFake.Token;

    private readonly string _downloads = Path.Combine(Path.GetTempPath(), "rmcp-exec-" + Guid.NewGuid().ToString("N"));
    private readonly List<IHostedService> _started = [];

    /// <param name="extraSettings">Configuration entries added to (or replacing) the defaults, e.g. <c>LocalFiles:InputDirectories:0</c>.</param>
    /// <param name="apiBaseUrl">When set, the real Replicate client talks to this URL instead of <see cref="Api"/>.</param>
    public ExecCoreHarness(bool withToken = true, TimeProvider? time = null, Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? extraSettings = null, string? apiBaseUrl = null)
    {
        Time = time ?? new FakeTimeProvider(Start);
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:StateDirectory"] = "",
            ["Downloads:DownloadDirectory"] = _downloads,
        };
        if (withToken) settings["Replicate:ApiToken"] = Token;
        if (apiBaseUrl is not null) settings["Replicate:BaseUrl"] = apiBaseUrl;
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Time);
        services.AddSingleton<IHostApplicationLifetime>(Lifetime);
        services.AddReplicateMcpCore(Configuration);
        if (apiBaseUrl is null) services.AddSingleton<IReplicateClient>(Api);
        configure?.Invoke(services);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IConfiguration Configuration { get; }

    /// <summary>The fake behind the core (not registered when an <c>apiBaseUrl</c> is given).</summary>
    public ScriptedReplicateClient Api { get; } = new() { AnyModelIsOfficial = true };

    public TimeProvider Time { get; }

    public FakeHostLifetime Lifetime { get; } = new();

    public ServiceProvider Services { get; }

    public JobStarter Starter => Services.GetRequiredService<JobStarter>();

    public JobRegistry Executor => Services.GetRequiredService<JobRegistry>();

    /// <summary>Where downloads land (an allowed folder for local file inputs).</summary>
    public string DownloadDirectory => _downloads;

    public IJobStore Store => Services.GetRequiredService<IJobStore>();

    /// <summary>
    /// Completes once the recovery service has loaded the state folder (in the background after start), asking for it
    /// now as a client's first tool call does.
    /// </summary>
    public Task StateLoaded
    {
        get
        {
            var load = Services.GetRequiredService<JobStateLoad>();
            load.NeedNow();
            return load.Loaded.WaitAsync(TestContext.Current.CancellationToken);
        }
    }

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static JobSpec Batch(int concurrency, params ItemSpec[] items) =>
        new(JobKind.Batch, items, new JobSettings(concurrency, Download: false, TimeoutMs: 300_000, TtlHours: 1, Validate: true));

    public static JobSpec Pipeline(int concurrency, params ItemSpec[] steps) =>
        new(JobKind.Pipeline, steps, new JobSettings(concurrency, Download: false, TimeoutMs: 300_000, TtlHours: 1, Validate: true));

    public static ItemSpec Item(string model, string input = """{"prompt": "a red fox"}""") => new(null, model, Json(input));

    public static ItemSpec Step(string id, string model, string input, params string[] dependsOn) =>
        new(id, model, Json(input), dependsOn.Length == 0 ? null : dependsOn);

    /// <summary>Waits for the job's background run to end and returns its final snapshot.</summary>
    public async Task<Job> FinishedAsync(string jobId)
    {
        await Executor.WhenStoppedAsync(jobId).WaitAsync(TestContext.Current.CancellationToken);
        return Store.Get(jobId) ?? throw new InvalidOperationException($"Job {jobId} is gone.");
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the stored job.</summary>
    public async Task<Job> WaitForAsync(string jobId, Func<Job, bool> condition)
    {
        var ct = TestContext.Current.CancellationToken;
        while (true)
        {
            var changed = Store.WaitForChangeAsync(jobId, ct);
            var job = Store.Get(jobId) ?? throw new InvalidOperationException($"Job {jobId} is gone.");
            if (condition(job)) return job;
            await changed;
        }
    }

    /// <summary>Starts every hosted service, in registration order, as the host does; they stop at dispose.</summary>
    public async Task StartHostedServicesAsync()
    {
        foreach (var service in Services.GetServices<IHostedService>())
        {
            await service.StartAsync(TestContext.Current.CancellationToken);
            _started.Add(service);
        }
        await StateLoaded;
    }

    public async ValueTask DisposeAsync()
    {
        Lifetime.StopApplication();
        for (var i = _started.Count - 1; i >= 0; i--) await _started[i].StopAsync(CancellationToken.None);
        await Services.DisposeAsync();
        Lifetime.Dispose();
        if (Directory.Exists(_downloads)) Directory.Delete(_downloads, recursive: true);
    }
}
