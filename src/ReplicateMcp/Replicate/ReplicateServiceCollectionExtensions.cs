using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ReplicateMcp.Replicate;

internal static class ReplicateServiceCollectionExtensions
{
    /// <summary>
    /// With <see cref="ReplicateOptions.Simulate"/>, the primary handler registered under this key (the simulator,
    /// registered by Hosting) answers instead of the network; Replicate/ never names the simulator.
    /// </summary>
    public const string SimulatorHandlerKey = "replicate-simulator";

    /// <summary>Registers the typed Replicate client with its resilience pipeline and process-wide rate gate.</summary>
    public static IServiceCollection AddReplicateClient(this IServiceCollection services)
    {
        services.AddSingleton<RateLimitGate>();
        services.AddTransient<RateLimitHandler>();
        services.AddTransient<AttemptTimeoutHandler>();
        services.AddSingleton<ReplicateClock>();
        services.AddTransient<ReplicateClockHandler>();

        AddPipeline(services, ReplicateClient.ReadClientName, pooled: true);
        AddPipeline(services, ReplicateClient.CreateClientName, pooled: false);
        services.AddSingleton<IReplicateClient, ReplicateClient>();
        return services;
    }

    private static void AddPipeline(IServiceCollection services, string name, bool pooled)
    {
        var client = services.AddHttpClient(name, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<ReplicateOptions>>().Value;
                http.BaseAddress = options.NormalizedBaseUrl;
                // The pipeline's own timeouts govern; HttpClient's 100 s default would cut a long Prefer: wait short.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("replicate-mcp/0.1");
                if (!string.IsNullOrWhiteSpace(options.ApiToken))
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiToken);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => PrimaryHandler(sp, pooled));
        client.AddResilienceHandler(name, (builder, context) =>
            {
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = ReplicateRetryPolicy.MaxThrottledAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(500),
                    MaxDelay = TimeSpan.FromSeconds(8),
                    // The RateLimitHandler below already blocks the whole process for as long as Replicate asked.
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(
                        ReplicateRetryPolicy.ShouldRetry(args.Outcome, args.AttemptNumber, args.Context.GetRequestMessage())),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                        args.Outcome.Result?.StatusCode == System.Net.HttpStatusCode.TooManyRequests ? TimeSpan.Zero : null),
                });
            });
        // Added after the resilience handler, so they sit inside it and see every attempt: the gate first, then the
        // attempt's time limit, which starts only once the gate has let the request out.
        client.AddHttpMessageHandler<RateLimitHandler>();
        client.AddHttpMessageHandler<AttemptTimeoutHandler>();
        client.AddHttpMessageHandler<ReplicateClockHandler>();
    }

    private static HttpMessageHandler PrimaryHandler(IServiceProvider sp, bool pooled)
    {
        if (sp.GetRequiredService<IOptions<ReplicateOptions>>().Value.Simulate)
            return sp.GetRequiredKeyedService<HttpMessageHandler>(SimulatorHandlerKey);
        return new SocketsHttpHandler
        {
            // Redirects are never followed: a redirect could carry the token to another host.
            AllowAutoRedirect = false,
            PooledConnectionLifetime = pooled ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
    }
}
