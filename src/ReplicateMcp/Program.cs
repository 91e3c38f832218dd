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
        return 0;
    case CliCommand.Version:
        stdout.WriteLine(AppInfo.Version);
        return 0;
}

// Our flags are not configuration keys, and a global tool must not read appsettings.json from the user's folder.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
AppConfiguration.Add(builder.Configuration, options.ConfigurationArgs, options.Simulate);
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
var logLevel = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("REPLICATE_MCP_LOG_LEVEL"), true, out var level) ? level : LogLevel.Information;
builder.Logging.SetMinimumLevel(logLevel);
builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
// Polly logs every handled retry as a warning with a stack trace; our own log says how each item ended.
// At Debug or Trace the retries are shown too.
builder.Logging.AddFilter("Polly", logLevel <= LogLevel.Debug ? logLevel : LogLevel.Error);
builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
builder.Services.AddReplicateMcpCore(builder.Configuration);

if (options.Command == CliCommand.Run)
{
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Logging.AddFilter("ReplicateMcp.Jobs.Execution.JobScheduler", LogLevel.Error); // the progress view shows how items ended
    builder.Services.AddSingleton<IHostLifetime, RunHostLifetime>(); // Ctrl+C cancels the job instead of stopping the host
    using var runHost = builder.Build();
    return await RunCommand.ExecuteAsync(runHost, options, stdout);
}

builder.Services.AddReplicateMcpServer().WithStdioServerTransport();
using var host = builder.Build();
await host.RunAsync();
return 0;
