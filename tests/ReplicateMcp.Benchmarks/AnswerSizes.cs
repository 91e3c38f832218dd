using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Hosting;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs;
using ReplicateMcp.Mcp;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Benchmarks;

/// <summary>One status answer as it went over the wire: the whole <c>tools/call</c> result, its text blocks, its structured content (UTF-8 bytes).</summary>
internal sealed record AnswerSize(bool IncludeResults, int ResultBytes, int TextBytes, int StructuredBytes)
{
    public int ResultBar => IncludeResults ? AnswerSizes.ResultBarWithResults : AnswerSizes.ResultBarWithoutResults;

    public bool WithinBars => ResultBytes <= ResultBar && (!IncludeResults || TextBytes <= AnswerSizes.TextBar);
}

/// <summary>
/// Contract §3 bars for a finished 50-item image batch (2 outputs an item, downloads on), measured through the real
/// tool path: the production core and MCP server in process, <c>replicate_batch_status</c> called by an MCP client,
/// and the bytes of its JSON-RPC answer read off the server's output stream. Shared by the benchmark and a unit test
/// (sizes are deterministic: the fixture's ids, URLs, paths and times have fixed lengths).
/// </summary>
internal static class AnswerSizes
{
    public const int Items = 50;
    public const int OutputsPerItem = 2;
    public const int ResultBarWithResults = 40_000;
    public const int TextBar = 8_000;
    public const int ResultBarWithoutResults = 12_000;
    public const string JobId = "batch-answersize50";

    private const string Model = "black-forest-labs/flux-schnell";
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string MixedCase = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A finished batch as the executor leaves it: every item succeeded with 2 WebP files downloaded.</summary>
    public static Job FinishedImageBatch(DateTimeOffset completedAt)
    {
        var random = new Random(50);
        string Text(string alphabet, int length) => string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]));
        var created = completedAt.AddMinutes(-3);
        var downloads = "/home/user/Downloads/replicate-mcp/" + JobId;
        var items = Enumerable.Range(0, Items).Select(index =>
        {
            var predictionId = Text(Alphanumeric, 26);
            var urls = Enumerable.Range(0, OutputsPerItem).Select(n => $"https://replicate.delivery/xezq/{Text(MixedCase, 40)}/out-{n}.webp").ToList();
            var started = created.AddSeconds(2 + (index * 3.217));
            return new JobItem
            {
                Index = index,
                Model = Model,
                Input = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["prompt"] = $"a watercolor fox in a snowy forest, variation {index}", ["num_outputs"] = OutputsPerItem }),
                Status = ItemStatus.Succeeded,
                PredictionId = predictionId,
                StartedAt = started,
                CompletedAt = started.AddSeconds(1.5 + (index % 7 * 0.113)),
                Result = new PredictionResult
                {
                    PredictionId = predictionId,
                    Status = PredictionStatuses.Succeeded,
                    Urls = urls,
                    LocalPaths = [.. Enumerable.Range(0, OutputsPerItem).Select(n => $"{downloads}/{index}/output-{n}.webp")],
                    TextOutput = [],
                    Output = JsonSerializer.SerializeToElement(urls),
                    Metrics = JsonSerializer.SerializeToElement(new Dictionary<string, double>
                    {
                        ["predict_time"] = Math.Round(1.2 + (random.NextDouble() * 0.9), 6),
                        ["total_time"] = Math.Round(1.5 + (random.NextDouble() * 0.9), 6),
                    }),
                    LogsTail = PredictionOutputs.LogsTail(TqdmLogs(index, random.Next(100_000))),
                },
            };
        });
        return new Job
        {
            Id = JobId,
            Kind = JobKind.Batch,
            Settings = new JobSettings(Concurrency: 10, Download: true, TimeoutMs: 300_000, TtlHours: 24, Validate: true),
            CreatedAt = created,
            CompletedAt = completedAt,
            Items = [.. items],
        };
    }

    /// <summary>Logs as flux-schnell writes them: a seed, the prompt, then a tqdm bar redrawn with carriage returns.</summary>
    public static string TqdmLogs(int index, int seed)
    {
        var logs = new StringBuilder();
        logs.Append(CultureInfo.InvariantCulture, $"Using seed: {seed}\nPrompt: a watercolor fox in a snowy forest, variation {index}\n[!] txt2img mode\n");
        for (var step = 0; step <= 4; step++)
        {
            var filled = step * 10 / 4;
            var rate = step == 0 ? "?it/s" : $"{3.1 + (step * 0.07):0.00}it/s";
            logs.Append(CultureInfo.InvariantCulture, $"{step * 25,3}%|{new string('█', filled)}{new string(' ', 10 - filled)}| {step}/4 [00:0{step / 3}<00:0{(4 - step) / 3}, {rate}]\r");
        }
        return logs.Append("\nGenerated 2 images in 1.32s\n").ToString();
    }

    /// <summary>Calls <c>replicate_batch_status</c> on <see cref="FinishedImageBatch"/> with and without results.</summary>
    public static async Task<(AnswerSize WithResults, AnswerSize WithoutResults, string Text)> MeasureAsync(CancellationToken cancellationToken)
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var wire = new RecordingStream(serverToClient.Writer.AsStream());
        var downloads = Path.Combine(Path.GetTempPath(), "replicate-mcp-answer-sizes");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Replicate:Simulate"] = "true",
            ["Jobs:StateDirectory"] = "",
            ["Downloads:DownloadDirectory"] = downloads,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddLogging();
        builder.Services.AddReplicateMcpCore(builder.Configuration);
        builder.Services.AddReplicateMcpServer().WithStreamServerTransport(clientToServer.Reader.AsStream(), wire);
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var time = host.Services.GetRequiredService<TimeProvider>();
            await host.Services.GetRequiredService<IJobStore>().AddAsync(FinishedImageBatch(time.GetUtcNow()), cancellationToken);
            await using var client = await McpClient.CreateAsync(
                new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream(), NullLoggerFactory.Instance),
                cancellationToken: cancellationToken);

            var (with, text) = await CallAsync(client, wire, includeResults: true, cancellationToken);
            var (without, _) = await CallAsync(client, wire, includeResults: false, cancellationToken);
            return (with, without, text);
        }
        finally
        {
            clientToServer.Writer.Complete();
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<(AnswerSize Size, string Text)> CallAsync(McpClient client, RecordingStream wire, bool includeResults, CancellationToken cancellationToken)
    {
        wire.Clear();
        var answer = await client.CallToolAsync("replicate_batch_status",
            new Dictionary<string, object?> { ["job_id"] = JobId, ["include_results"] = includeResults }, cancellationToken: cancellationToken);
        if (answer.IsError == true) throw new InvalidOperationException("replicate_batch_status failed: " + string.Join(" ", answer.Content.OfType<TextContentBlock>().Select(b => b.Text)));

        // The JSON-RPC response exactly as the server wrote it: one line holding {"jsonrpc", "id", "result"}.
        var line = wire.Lines().Last(l => l.Contains("\"result\"", StringComparison.Ordinal));
        using var response = JsonDocument.Parse(line);
        var result = response.RootElement.GetProperty("result");
        var text = string.Join("\n", result.GetProperty("content").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));
        return (new AnswerSize(includeResults, Bytes(result.GetRawText()),
            result.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Sum(b => Bytes(b.GetProperty("text").GetString()!)),
            Bytes(result.GetProperty("structuredContent").GetRawText())), text);
    }

    private static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Passes writes on and keeps a copy, so the answer's bytes can be counted as sent.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        private readonly Lock _lock = new();
        private readonly MemoryStream _copy = new();

        public void Clear()
        {
            lock (_lock) _copy.SetLength(0);
        }

        public IEnumerable<string> Lines()
        {
            lock (_lock) return Encoding.UTF8.GetString(_copy.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock) _copy.Write(buffer);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_lock) _copy.Write(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
