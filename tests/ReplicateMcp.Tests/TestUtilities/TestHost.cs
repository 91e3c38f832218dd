using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Hosting;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// Builds (but does not start) a host through the production registration (<c>AddReplicateMcpCore</c>),
/// so tests resolve the real client, pipeline and runner from its <see cref="IHost.Services"/>.
/// </summary>
internal static class TestHost
{
    /// <summary>Settings for a fake at <paramref name="apiBaseUrl"/>; state stays in memory unless a state dir is given.</summary>
    public static Dictionary<string, string?> Settings(string apiBaseUrl, string downloadDirectory, string? stateDirectory = null) => new()
    {
        ["Replicate:BaseUrl"] = apiBaseUrl,
        ["Replicate:ApiToken"] = ReplicateFake.Token,
        ["Downloads:DownloadDirectory"] = downloadDirectory,
        ["Jobs:StateDirectory"] = stateDirectory,
    };

    /// <param name="configure">Registrations made before the production ones, e.g. a <see cref="TimeProvider"/>.</param>
    public static IHost Build(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        // The same builder as Program.cs: it supplies IHostApplicationLifetime, which the job services need.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        configure?.Invoke(builder.Services);
        builder.Services.AddReplicateMcpCore(builder.Configuration);
        return builder.Build();
    }
}
