using ReplicateMcp.Benchmarks;

namespace ReplicateMcp.Tests.Status;

/// <summary>Contract §3 bars, with the benchmark's fixture and measurement (sizes are deterministic, so a test can hold them).</summary>
public sealed class AnswerSizeTests
{
    [Fact]
    public async Task BatchStatus_Finished50ItemImageBatch_WithinTheBars()
    {
        var (with, without, text) = await AnswerSizes.MeasureAsync(TestContext.Current.CancellationToken);

        Assert.True(with.ResultBytes <= AnswerSizes.ResultBarWithResults, $"whole result with results: {with}");
        Assert.True(with.TextBytes <= AnswerSizes.TextBar, $"text with results: {with}");
        Assert.True(without.ResultBytes <= AnswerSizes.ResultBarWithoutResults, $"whole result without results: {without}");
        // Not vacuous: the answer carries the 100 files and the status of all 50 items.
        Assert.True(with.StructuredBytes > 30_000, with.ToString());
        Assert.Contains("output-1.webp", text);
        Assert.StartsWith($"Batch {AnswerSizes.JobId} succeeded: 50/50 finished (50 succeeded).", text);
    }
}
