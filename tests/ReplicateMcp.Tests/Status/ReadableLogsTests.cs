using ReplicateMcp.Predictions;
using ReplicateMcp.Status;

namespace ReplicateMcp.Tests.Status;

public sealed class ReadableLogsTests
{
    [Fact]
    public void Tail_TqdmRedrawsWithCarriageReturns_KeepsTheLastDrawOfEachLine()
    {
        const string logs = "Using seed: 42\n" +
            "  0%|          | 0/4 [00:00<?, ?it/s]\r 25%|██▌       | 1/4 [00:00<00:01,  2.95it/s]\r" +
            " 50%|█████     | 2/4 [00:00<00:00,  3.02it/s]\r100%|██████████| 4/4 [00:01<00:00,  3.10it/s]\r\n" +
            "Done\n";

        Assert.Equal("Using seed: 42\n100%|██████████| 4/4 [00:01<00:00,  3.10it/s]\nDone", ReadableLogs.Tail(logs));
    }

    [Fact]
    public void Tail_BarRedrawnOnNewLines_ConsecutiveDrawsCollapsed()
    {
        var bars = string.Concat(Enumerable.Range(0, 21).Select(s => $"{s * 5,3}%|{new string('#', s / 2),-10}| {s}/20\n"));
        var logs = "Prompt: a fox\n" + bars + "Sampling:  50%|#####     | 1/2\nSampling: 100%|##########| 2/2\nSaved output-0.png\n";

        Assert.Equal("Prompt: a fox\n100%|##########| 20/20\nSampling: 100%|##########| 2/2\nSaved output-0.png", ReadableLogs.Tail(logs));
    }

    [Fact]
    public void Tail_LongLogs_LastTwentyLinesOnly()
    {
        var logs = string.Join("\n", Enumerable.Range(1, 50).Select(n => $"line {n}")) + "\n";

        var tail = ReadableLogs.Tail(logs)!.Split('\n');

        Assert.Equal(ReadableLogs.MaxLines, tail.Length);
        Assert.Equal("line 31", tail[0]);
        Assert.Equal("line 50", tail[^1]);
    }

    [Fact]
    public void Tail_VeryLongLine_Shortened()
    {
        var tail = ReadableLogs.Tail(new string('x', 1000))!;

        Assert.Equal(ReadableLogs.MaxLineLength + 1, tail.Length);
        Assert.EndsWith("…", tail, StringComparison.Ordinal);
    }

    [Fact]
    public void Tail_CutRawTail_DropsTheLinePiece()
    {
        var raw = PredictionOutputs.LogsTail(string.Concat(Enumerable.Range(0, 40).Select(s => $"{s * 5 / 2,3}%|{new string('#', s / 4),-10}| {s}/40\n")) + "RuntimeError: boom\n")!;
        Assert.StartsWith("…", raw, StringComparison.Ordinal);

        Assert.Equal(" 97%|######### | 39/40\nRuntimeError: boom", ReadableLogs.Tail(raw));
    }

    [Fact]
    public void Tail_OnlyAPieceOfOneLine_Kept() => Assert.Equal("…ror: boom", ReadableLogs.Tail("…ror: boom\n"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n\r\n  \n")]
    public void Tail_NothingToShow_Null(string? logs) => Assert.Null(ReadableLogs.Tail(logs));
}
