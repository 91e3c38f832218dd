using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Hosting;

/// <summary>The one Information line a stdio server writes when it starts: what it will do and where, never the token.</summary>
internal sealed partial class ServerStartLog(
    string version,
    IOptions<ReplicateOptions> replicate,
    IOptions<DownloadOptions> downloads,
    IOptions<JobStoreOptions> jobs,
    IOptions<PredictionRunnerOptions> predictions,
    ILogger<ServerStartLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var r = replicate.Value;
        var backend = r.Simulate ? "simulated (offline)" : $"Replicate at {r.NormalizedBaseUrl}";
        var token = r.Simulate ? "not needed" : string.IsNullOrWhiteSpace(r.ApiToken) ? $"not set ({ReplicateOptions.TokenVariable})" : "set";
        var state = string.IsNullOrWhiteSpace(jobs.Value.StateDirectory) ? "memory only" : jobs.Value.StateDirectory;
        LogStarted(version, backend, token, downloads.Value.DownloadDirectory, state, predictions.Value.MaxConcurrency);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "replicate-mcp {Version} serving MCP on stdio: backend {Backend}, token {Token}, downloads {DownloadDirectory}, state {StateDirectory}, max concurrency {MaxConcurrency}")]
    private partial void LogStarted(string version, string backend, string token, string downloadDirectory, string stateDirectory, int maxConcurrency);
}
