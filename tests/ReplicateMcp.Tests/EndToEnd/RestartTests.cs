using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>Contract §6: a server killed hard mid-pipeline is replaced, and the pipeline finishes with nothing paid twice.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rmcp-restart-").FullName;

    [Fact]
    public async Task Pipeline_ServerKilledMidRun_NewServerFinishesItWithEachStepCreatedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var fake = new StatefulReplicateFake(TimeSpan.FromSeconds(2));
        string pipelineId;

        using (var first = await ServerProcess.StartAsync(fake.ApiUrl, _root, ct))
        {
            var started = await first.Client.CallToolAsync("replicate_pipeline_start", new Dictionary<string, object?>
            {
                ["validate"] = false,
                ["steps"] = JsonDocument.Parse("""
                    [{"id": "gen", "model": "acme/gen", "input": {"prompt": "a fox"}},
                     {"id": "up", "model": "acme/up", "input": {"image": "$gen.urls[0]"}},
                     {"id": "bg", "model": "acme/bg", "input": {"image": "$gen.urls[0]"}},
                     {"id": "join", "model": "acme/join", "input": {"a": "$up.urls[0]", "b": "$bg.urls[0]"}}]
                    """).RootElement,
            }, cancellationToken: ct);
            Assert.NotEqual(true, started.IsError);
            pipelineId = started.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;

            // Kill once the downstream steps have their predictions, i.e. while they run.
            await WaitUntilAsync(() => fake.Creates.Count >= 3, () => $"creates seen: {fake.Creates.Count}; server stderr:\n{first.Stderr}", ct);
            first.KillHard();
        }

        using var second = await ServerProcess.StartAsync(fake.ApiUrl, _root, ct);
        var status = await second.Client.CallToolAsync("replicate_pipeline_status",
            new Dictionary<string, object?> { ["pipeline_id"] = pipelineId, ["wait_seconds"] = 50 }, cancellationToken: ct);
        var view = status.StructuredContent!.Value;

        Assert.Equal("succeeded", view.GetProperty("status").GetString());
        Assert.All(view.GetProperty("steps").EnumerateArray(), s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));
        Assert.Equal(["acme/bg", "acme/gen", "acme/join", "acme/up"], fake.Creates.Select(c => c.Model).Order(StringComparer.Ordinal));
        var join = fake.Creates.Single(c => c.Model == "acme/join");
        Assert.Contains("/files/", join.Input, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, "downloads", pipelineId, "join", "output-0.png")));
    }

    /// <summary>The one poll loop against a real child process (its state is not observable otherwise).</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> explain, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "timed out waiting for the fake to see the creates: " + explain());
            await Task.Delay(50, ct);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>The built server as a child process we can kill with SIGKILL, with an MCP client on its stdio.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        public McpClient Client { get; }

        private readonly System.Text.StringBuilder _stderr;

        private ServerProcess(Process process, McpClient client, System.Text.StringBuilder stderr) { _process = process; Client = client; _stderr = stderr; }

        public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

        public static async Task<ServerProcess> StartAsync(string apiUrl, string root, CancellationToken ct)
        {
            var info = new ProcessStartInfo("dotnet", [ReplicateMcp.Tests.TestUtilities.BuiltServer.DllPath])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            info.Environment["REPLICATE_BASE_URL"] = apiUrl;
            info.Environment["REPLICATE_API_TOKEN"] = "r8_restart_test";
            info.Environment["REPLICATE_MCP_STATE_DIR"] = Path.Combine(root, "state");
            info.Environment["REPLICATE_DOWNLOAD_DIR"] = Path.Combine(root, "downloads");
            info.Environment["REPLICATE_MCP_LOG_LEVEL"] = "Warning";
            var process = Process.Start(info)!;
            var stderr = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
            process.BeginErrorReadLine();
            var transport = new StreamClientTransport(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            try
            {
                var client = await McpClient.CreateAsync(transport, cancellationToken: ct);
                return new ServerProcess(process, client, stderr);
            }
            catch (IOException ex)
            {
                lock (stderr) throw new InvalidOperationException($"The server did not start; its stderr:\n{stderr}", ex);
            }
        }

        public void KillHard() => _process.Kill(entireProcessTree: true);

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }
}
