using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

public sealed class SimulatedFlakinessTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private static JsonElement Input(string prompt) => JsonDocument.Parse($$"""{"prompt": "{{prompt}}"}""").RootElement.Clone();

    [Fact]
    public void FailsThisAttempt_FlakyModel_FirstTryOfEachInputOnlyForAnHour()
    {
        var flaky = new SimulatedFlakiness(memoryDirectory: null, _time);

        Assert.True(flaky.FailsThisAttempt("acme/flaky-image", Input("a")));
        Assert.False(flaky.FailsThisAttempt("acme/flaky-image", Input("a")));
        Assert.True(flaky.FailsThisAttempt("acme/flaky-image", Input("b")));
        Assert.True(flaky.FailsThisAttempt("acme/other-flaky", Input("a")));
        Assert.False(flaky.FailsThisAttempt("acme/image", Input("c")));
        _time.Advance(SimulatedFlakiness.Memory);
        Assert.True(flaky.FailsThisAttempt("acme/flaky-image", Input("a")));
    }

    [Fact]
    public void FailsThisAttempt_MemoryFolder_ANewProcessSeesTheFirstTryDone()
    {
        var folder = Directory.CreateTempSubdirectory("replicate-mcp-flaky-").FullName;
        try
        {
            Assert.True(new SimulatedFlakiness(folder, _time).FailsThisAttempt("acme/flaky-image", Input("a")));

            var nextProcess = new SimulatedFlakiness(folder, _time);

            Assert.False(nextProcess.FailsThisAttempt("acme/flaky-image", Input("a")));
            Assert.True(nextProcess.FailsThisAttempt("acme/flaky-image", Input("b")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Create_FlakyModel_FailsFirstWithAMessageSayingARetrySucceeds()
    {
        using var sim = new SimulatorHarness(duration: TimeSpan.FromSeconds(1));
        using var first = await sim.Client.SendAsync(SimulatorHarness.CreateRequest("acme/flaky-image", """{"prompt": "x"}"""), TestContext.Current.CancellationToken);
        using var second = await sim.Client.SendAsync(SimulatorHarness.CreateRequest("acme/flaky-image", """{"prompt": "x"}"""), TestContext.Current.CancellationToken);
        string?[] ids = [(await SimulatorHarness.ReadAsync(first)).GetProperty("id").GetString(), (await SimulatorHarness.ReadAsync(second)).GetProperty("id").GetString()];
        sim.Time.Advance(TimeSpan.FromSeconds(2));

        var failed = await sim.GetAsync("predictions/" + ids[0]);
        var succeeded = await sim.GetAsync("predictions/" + ids[1]);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("a retry succeeds", failed.GetProperty("error").GetString());
        Assert.Equal("succeeded", succeeded.GetProperty("status").GetString());
    }
}
