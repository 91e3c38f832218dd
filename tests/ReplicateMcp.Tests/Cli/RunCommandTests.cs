using System.Runtime.InteropServices;
using System.Text.Json;

namespace ReplicateMcp.Tests.Cli;

public sealed class RunCommandTests : IDisposable
{
    private readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_GenerateUpscaleNoBgPipeline_SucceedsAndSavesEveryStepsImage()
    {
        var result = await _cli.RunAsync("run", CliProcess.Example("pipeline-generate-upscale-nobg.json"), "--simulate", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("pipeline", status.GetProperty("kind").GetString());
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        var id = status.GetProperty("pipeline_id").GetString()!;
        var steps = status.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["gen", "upscale", "no_bg"], steps.Select(s => s.GetProperty("id").GetString()));
        foreach (var step in steps)
        {
            Assert.Equal("succeeded", step.GetProperty("status").GetString());
            var file = Path.Combine(_cli.DownloadDir, id, step.GetProperty("id").GetString()!, "output-0.png");
            Assert.True(File.Exists(file), $"{file} is missing\n{result}");
        }
        var gen = steps[0].GetProperty("result").GetProperty("urls")[0].GetString();
        Assert.Equal(gen, steps[1].GetProperty("input").GetProperty("image").GetString());
        Assert.Equal(4, steps[1].GetProperty("input").GetProperty("scale").GetInt32());
        Assert.Equal(gen, steps[2].GetProperty("input").GetProperty("image").GetString());
    }

    [Fact]
    public async Task Run_CaptionToImagePipeline_PutsTheCaptionInsideThePrompt()
    {
        var result = await _cli.RunAsync("run", CliProcess.Example("pipeline-caption-to-image.json"), "--simulate", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        var id = status.GetProperty("pipeline_id").GetString()!;
        var steps = status.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.All(steps.Values, s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));
        var caption = steps["cap"].GetProperty("result").GetProperty("text_output")[0].GetString();
        Assert.False(string.IsNullOrWhiteSpace(caption));
        var prompt = steps["img"].GetProperty("input").GetProperty("prompt").GetString();
        Assert.StartsWith("A watercolor painting of ", prompt);
        Assert.Equal("A watercolor painting of " + caption, prompt);
        Assert.Equal(["cap"], steps["img"].GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));
        Assert.True(File.Exists(Path.Combine(_cli.DownloadDir, id, "img", "output-0.png")), result.ToString());
    }

    [Fact]
    public async Task Run_MixedBatch_SucceedsForEveryItem()
    {
        var result = await _cli.RunAsync("run", CliProcess.Example("batch-mixed.json"), "--simulate", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var status = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("batch", status.GetProperty("kind").GetString());
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        var items = status.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        Assert.All(items, i => Assert.Equal("succeeded", i.GetProperty("status").GetString()));
        Assert.NotEmpty(items[2].GetProperty("result").GetProperty("text_output")[0].GetString()!);
        Assert.True(File.Exists(Path.Combine(_cli.DownloadDir, status.GetProperty("job_id").GetString()!, "0", "output-0.png")), result.ToString());
    }

    [Fact]
    public async Task Run_WithoutJson_PrintsATableOnStdoutAndProgressLinesOnStderr()
    {
        var result = await _cli.RunAsync("run", CliProcess.Example("pipeline-caption-to-image.json"), "--simulate");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" succeeded: 2/2 finished (2 succeeded).", result.Stdout);
        Assert.Contains("meta/meta-llama-3-8b-instruct", result.Stdout);
        Assert.DoesNotContain("\u001b[", result.Stdout); // no colors in a pipe
        Assert.Contains("img", result.Stderr);
        Assert.Contains("succeeded", result.Stderr);
    }

    [Fact]
    public async Task Run_ShortModelId_Exits2NamingTheItem()
    {
        var file = _cli.WriteFile("short-model.json", """{"items": [{"model": "flux-schnell", "input": {}}]}""");

        var result = await _cli.RunAsync("run", file, "--simulate", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("items[0].model", result.Stderr);
        Assert.Equal("", result.Stdout.Trim());
    }

    [Fact]
    public async Task Run_ArgumentOutOfRange_Exits2WithTheToolsMessage()
    {
        var file = _cli.WriteFile("concurrency.json", """{"items": [{"model": "acme/image", "input": {}}], "concurrency": 11}""");

        var result = await _cli.RunAsync("run", file, "--simulate");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("concurrency: 11 given, allowed 1–10", result.Stderr);
    }

    [Fact]
    public async Task Run_InvalidJson_Exits2()
    {
        var file = _cli.WriteFile("broken.json", """{"items": [""");

        var result = await _cli.RunAsync("run", file, "--simulate", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not valid JSON", result.Stderr);
    }

    [Fact]
    public async Task Run_MissingFile_Exits2()
    {
        var result = await _cli.RunAsync("run", Path.Combine(_cli.Root, "nope.json"), "--simulate");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("nope.json", result.Stderr);
    }

    [Fact]
    public async Task Run_NeitherItemsNorSteps_Exits2()
    {
        var file = _cli.WriteFile("empty.json", """{"concurrency": 2}""");

        var result = await _cli.RunAsync("run", file, "--simulate");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("\"steps\"", result.Stderr);
    }

    [Fact]
    public async Task Run_FailingModel_Exits1WithTheFailureInTheStatus()
    {
        var file = _cli.WriteFile("fail.json", """
            {"items": [{"model": "acme/always-fail", "input": {"prompt": "x"}}, {"model": "acme/image", "input": {"prompt": "y"}}]}
            """);

        var result = await _cli.RunAsync("run", file, "--simulate", "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var status = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("partial", status.GetProperty("status").GetString());
        Assert.Equal("failed", status.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal("succeeded", status.GetProperty("items")[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task RunRetry_FlakyBatch_SecondProcessRunsOnlyTheFailedItemsAgainAndExits0()
    {
        var first = await _cli.RunAsync("run", CliProcess.Example("batch-flaky.json"), "--simulate", "--json");
        Assert.True(first.ExitCode == 1, first.ToString());
        var partial = JsonDocument.Parse(first.Stdout).RootElement;
        var jobId = partial.GetProperty("job_id").GetString()!;
        Assert.Equal("partial", partial.GetProperty("status").GetString());

        var retry = await _cli.RunAsync("run", "--retry", jobId, "--simulate", "--json");

        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Contains($"Retrying batch {jobId}: 2 items will run again (1, 3)", retry.Stderr);
        var done = JsonDocument.Parse(retry.Stdout).RootElement;
        Assert.Equal(jobId, done.GetProperty("job_id").GetString());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var items = done.GetProperty("items").EnumerateArray().ToList();
        var predictions = items.SelectMany(i => i.GetProperty("result").GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("prediction_id").GetString())
            .Append(i.GetProperty("prediction_id").GetString())).Distinct().Count();
        Assert.Equal(7, predictions);
        Assert.All(new[] { 0, 2, 4 }, i => Assert.Equal(partial.GetProperty("items")[i].GetProperty("prediction_id").GetString(), items[i].GetProperty("prediction_id").GetString()));

        var again = await _cli.RunAsync("run", "--retry", jobId, "--simulate");
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("Nothing to retry: every item", again.Stderr);
        var wrongBackend = await _cli.RunAsync(["run", "--retry", jobId], new Dictionary<string, string> { ["REPLICATE_API_TOKEN"] = "r8_not0used0here" }, null);
        Assert.True(wrongBackend.ExitCode == 2, wrongBackend.ToString());
        Assert.Contains("ran against the simulator", wrongBackend.Stderr);
    }

    [Fact]
    public async Task Run_Interrupted_CancelsTheJobAndExits1()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "sends SIGINT");
        var environment = new Dictionary<string, string>
        {
            ["REPLICATE_MCP_SIMULATE_SECONDS"] = "60", // still running when interrupted
            ["REPLICATE_MCP_PREFER_WAIT_SECONDS"] = "1", // so the predictions have ids to cancel
        };
        var running = 0;

        var result = await _cli.RunAsync(["run", CliProcess.Example("batch-mixed.json"), "--simulate", "--json"], environment, (line, process) =>
        {
            if (line.Contains(" running ", StringComparison.Ordinal) && Interlocked.Increment(ref running) == 4)
                _ = Kill(process.Id, SigInt); // every item has started
        });

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Cancelling the job on Replicate", result.Stderr);
        var status = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("canceled", status.GetProperty("status").GetString());
        Assert.All(status.GetProperty("items").EnumerateArray(), i => Assert.Equal("canceled", i.GetProperty("status").GetString()));
    }

    private const int SigInt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
