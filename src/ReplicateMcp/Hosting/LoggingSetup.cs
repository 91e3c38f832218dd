using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ReplicateMcp.Hosting;

internal static class LoggingSetup
{
    /// <summary>One line per entry on stderr with a UTC timestamp; library chatter only when asked for.</summary>
    public static ILoggingBuilder AddReplicateMcpLogging(this ILoggingBuilder logging, LogLevel level)
    {
        // stdout is the protocol: every level goes to stderr.
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.ColorBehavior = LoggerColorBehavior.Disabled; // clients keep stderr in log files
        });
        logging.SetMinimumLevel(level);
        var detail = level <= LogLevel.Debug ? level : LogLevel.Warning;
        // The MCP library logs about six Information lines per tool call; Polly logs every handled retry as a
        // warning with a stack trace (our own log says how each item ended). Both show from Debug down.
        logging.AddFilter("ModelContextProtocol", detail);
        logging.AddFilter("Polly", level <= LogLevel.Debug ? level : LogLevel.Error);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        return logging;
    }
}
