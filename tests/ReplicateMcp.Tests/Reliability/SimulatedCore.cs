using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Hosting;

namespace ReplicateMcp.Tests.Reliability;

/// <summary>The production core over the offline simulator, in memory, for tests that need many real runs.</summary>
internal sealed class SimulatedCore : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    public string Root { get; } = Directory.CreateTempSubdirectory("rmcp-rel-").FullName;

    public SimulatedCore(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Replicate:Simulate"] = "true",
            ["Simulator:PredictionSeconds"] = "0.05",
            ["Downloads:DownloadDirectory"] = Path.Combine(Root, "downloads"),
            ["Jobs:StateDirectory"] = "",
            // Replicate paces creates at 600/min; tests of our own bounds should not wait on that.
            ["Replicate:CreatesPerMinute"] = "6000",
        };
        foreach (var (k, v) in settings) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, TestLifetime>();
        services.AddReplicateMcpCore(configuration);
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider();
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    private sealed class TestLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => _stopping.Cancel();
        public void Dispose() => _stopping.Dispose();
    }
}
