using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Cli;
using ReplicateMcp.Hosting;
using ReplicateMcp.Mcp;

// stdout carries only JSON-RPC: anything written through Console.Out goes to stderr instead.
var stdout = Console.Out;
Console.SetOut(Console.Error);

var options = CliOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine($"replicate-mcp: {error}");
    return 2;
}
switch (options.Command)
{
    case CliCommand.Help:
        stdout.WriteLine(CliOptions.Usage);
        stdout.WriteLine(AppSettings.HelpText());
        return 0;
    case CliCommand.Version:
        stdout.WriteLine(AppInfo.Version);
        return 0;
    case CliCommand.BundleManifest:
        return BundleManifest.Write(options.File!, stdout, Console.Error);
}

// Every setting is checked before anything is built: a bad one is one line and exit code 2, not a stack trace.
var settings = AppConfiguration.Read(Environment.GetEnvironmentVariable, options.ConfigurationArgs, options.Simulate, out var problem);
if (settings is null)
{
    Console.Error.WriteLine($"replicate-mcp: {problem}");
    return 2;
}

// Ownership rests on exclusive file locks: where the state folder has none, refuse rather than let two servers share it.
if (settings.GetValueOrDefault("Jobs:StateDirectory") is { Length: > 0 } stateDirectory
    && ReplicateMcp.Jobs.Ownership.StateFolderLocks.Problem(stateDirectory) is { } lockProblem)
{
    Console.Error.WriteLine($"replicate-mcp: {lockProblem}");
    return 2;
}

// Our flags are not configuration keys, and a global tool must not read appsettings.json from the user's folder.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(settings);
builder.Logging.AddReplicateMcpLogging(Enum.Parse<LogLevel>(settings.GetValueOrDefault(AppSettings.LogLevelKey) ?? nameof(LogLevel.Information)));
if (options.Command == CliCommand.Serve)
    builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ServerStartLog>(sp, AppInfo.Version)); // before the core's, so it comes first
builder.Services.AddReplicateMcpCore(builder.Configuration);

if (options.Command == CliCommand.Run)
{
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Logging.AddFilter("ReplicateMcp.Jobs.Execution.JobScheduler", LogLevel.Error); // the progress view shows how items ended
    builder.Services.AddSingleton<IHostLifetime, RunHostLifetime>(); // Ctrl+C cancels the job instead of stopping the host
    builder.Services.Configure<ReplicateMcp.Jobs.Storage.JobStoreOptions>(o => o.AdoptOrphans = false); // run never adopts (CONTRACT §6)
    using var runHost = builder.Build();
    return await RunCommand.ExecuteAsync(runHost, options, stdout);
}

builder.Services.AddReplicateMcpServer().WithStdioServerTransport();
using var host = builder.Build();
await host.RunAsync();
return 0;
