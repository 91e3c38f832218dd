using System.Collections.Immutable;
using System.Text.Json;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Status;

namespace ReplicateMcp.Tests.Status;

public sealed class StatusSummaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly string Downloads = Path.Combine(Path.GetTempPath(), "dl", "batch-abcdefghijkm");

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JobItem Item(int index, ItemStatus status, PredictionResult? result = null, string? predictionId = null, string? error = null) => new()
    {
        Index = index,
        Model = "acme/flux",
        Input = Json("{}"),
        Status = status,
        PredictionId = predictionId ?? result?.PredictionId,
        Result = result,
        Error = error,
    };

    private static PredictionResult Files(string id, int index, int count = 2)
    {
        var urls = Enumerable.Range(0, count).Select(n => $"https://replicate.delivery/xezq/{id}/out-{n}.webp").ToList();
        return new()
        {
            PredictionId = id,
            Status = "succeeded",
            Urls = urls,
            LocalPaths = [.. Enumerable.Range(0, count).Select(n => Path.Combine(Downloads, index.ToString(System.Globalization.CultureInfo.InvariantCulture), $"output-{n}.webp"))],
            Output = JsonSerializer.SerializeToElement(urls),
        };
    }

    private static Job Batch(params JobItem[] items) => new()
    {
        Id = "batch-abcdefghijkm",
        Kind = JobKind.Batch,
        CreatedAt = T0,
        CompletedAt = items.All(i => i.Status.IsTerminal()) ? T0.AddMinutes(1) : null,
        Items = [.. items],
    };

    [Theory]
    [InlineData("succeeded succeeded", false, "Batch batch-abcdefghijkm succeeded: 2/2 finished (2 succeeded).")]
    [InlineData("failed timed_out", false, "Batch batch-abcdefghijkm failed: 2/2 finished (1 failed, 1 timed_out).")]
    [InlineData("succeeded failed", false, "Batch batch-abcdefghijkm partly succeeded: 2/2 finished (1 succeeded, 1 failed).")]
    [InlineData("succeeded canceled", true, "Batch batch-abcdefghijkm was canceled: 2/2 finished (1 succeeded, 1 canceled).")]
    [InlineData("succeeded running queued", false, "Batch batch-abcdefghijkm is running: 1/3 finished (1 succeeded, 1 running, 1 queued).")]
    public void Headline_EachJobStatus_ReadsAsASentence(string itemStatuses, bool canceledByUser, string expected)
    {
        var statuses = itemStatuses.Split(' ').Select(s => Enum.GetValues<ItemStatus>().Single(v => v.ToWire() == s));
        var job = Batch([.. statuses.Select((s, i) => Item(i, s))]) with { CanceledByUser = canceledByUser };

        Assert.Equal(expected, JobViews.Headline(job));
    }

    [Fact]
    public void Of_MixedBatch_OneLinePerItemWithFilesTextErrorAndPredictionIds()
    {
        var caption = new string('w', 300);
        var job = Batch(
            Item(0, ItemStatus.Succeeded, Files("pa", 0)),
            Item(1, ItemStatus.Failed, new PredictionResult { PredictionId = "pb", Status = "failed", Error = "CUDA out of memory", LogsTail = "boom" }, error: "CUDA out of memory"),
            Item(2, ItemStatus.TimedOut, new PredictionResult { PredictionId = "pc", Status = "processing", Pending = true }, error: "timed out after 300 s"),
            Item(3, ItemStatus.Succeeded, new PredictionResult { PredictionId = "pd", Status = "succeeded", TextOutput = [caption], Output = Json($"\"{caption}\"") }),
            Item(4, ItemStatus.Succeeded, new PredictionResult { PredictionId = "pe", Status = "succeeded", Urls = ["https://replicate.delivery/e.png"], Output = Json("\"https://replicate.delivery/e.png\"") }),
            Item(5, ItemStatus.Succeeded, Files("pf", 5, count: 1) with { DownloadError = "disk full" }));

        var lines = StatusSummary.Of(job, includeResults: true).Split('\n');

        Assert.Equal(
        [
            "Batch batch-abcdefghijkm partly succeeded: 6/6 finished (4 succeeded, 1 failed, 1 timed_out).",
            $"Files are in {Downloads}{Path.DirectorySeparatorChar}<item index>{Path.DirectorySeparatorChar}",
            "item 0 succeeded: output-0.webp, output-1.webp",
            "item 1 failed (prediction pb): CUDA out of memory",
            "item 2 timed_out (prediction pc still runs on Replicate; replicate_get_prediction fetches it later): timed out after 300 s",
            $"item 3 succeeded: text \"{new string('w', StatusSummary.TextChars)}…\"",
            "item 4 succeeded: https://replicate.delivery/e.png",
            "item 5 succeeded: output-0.webp; download failed: disk full",
        ], lines);
    }

    [Fact]
    public void Of_NeighboursThatReadAlike_ShareALine()
    {
        var job = Batch(
            Item(0, ItemStatus.Succeeded, Files("pa", 0)),
            Item(1, ItemStatus.Succeeded, Files("pb", 1)),
            Item(2, ItemStatus.Succeeded, Files("pc", 2)),
            Item(3, ItemStatus.Running, predictionId: "pd"),
            Item(4, ItemStatus.Queued),
            Item(5, ItemStatus.Queued));

        var lines = StatusSummary.Of(job, includeResults: true).Split('\n');

        Assert.Equal(["items 0–2 succeeded: output-0.webp, output-1.webp", "item 3 running (prediction pd)", "items 4–5 queued"], lines[2..]);
    }

    [Fact]
    public void Of_WithoutResults_StatusErrorsAndIdsButNoFiles()
    {
        var job = Batch(
            Item(0, ItemStatus.Succeeded, Files("pa", 0)),
            Item(1, ItemStatus.Failed, new PredictionResult { PredictionId = "pb", Status = "failed" }, error: "NSFW content detected"));

        var text = StatusSummary.Of(job, includeResults: false);

        Assert.Equal("Batch batch-abcdefghijkm partly succeeded: 2/2 finished (1 succeeded, 1 failed).\nitem 0 succeeded\nitem 1 failed (prediction pb): NSFW content detected", text);
    }

    [Fact]
    public void Of_Pipeline_StepLinesWithSkipReasonAndNoSharing()
    {
        var gen = Item(0, ItemStatus.Succeeded, new PredictionResult { PredictionId = "pg", Status = "succeeded", Urls = ["https://replicate.delivery/g.png"] }) with { StepId = "gen" };
        var up = Item(1, ItemStatus.Failed, predictionId: "pu", error: "boom") with { StepId = "up", DependsOn = ["gen"] };
        var after = Item(2, ItemStatus.Skipped) with { StepId = "after", DependsOn = ImmutableArray.Create("up"), SkipReason = "skipped because step 'up' failed" };
        var again = Item(3, ItemStatus.Skipped) with { StepId = "again", DependsOn = ImmutableArray.Create("up"), SkipReason = "skipped because step 'up' failed" };
        var job = Batch(gen, up, after, again) with { Kind = JobKind.Pipeline, Id = "pipe-abcdefghijkm" };

        var lines = StatusSummary.Of(job, includeResults: true).Split('\n');

        Assert.Equal(
        [
            "Pipeline pipe-abcdefghijkm partly succeeded: 4/4 finished (1 succeeded, 1 failed, 2 skipped).",
            "step gen succeeded: https://replicate.delivery/g.png",
            "step up failed (prediction pu): boom",
            "step after skipped: skipped because step 'up' failed",
            "step again skipped: skipped because step 'up' failed",
        ], lines);
    }

    [Fact]
    public void Of_FilesOutsideTheItemFolders_ShownUnderTheirCommonFolder()
    {
        var elsewhere = Path.Combine(Path.GetTempPath(), "dl", "other");
        var job = Batch(
            Item(0, ItemStatus.Succeeded, new PredictionResult { PredictionId = "pa", Status = "succeeded", LocalPaths = [Path.Combine(elsewhere, "a", "x.png")] }),
            Item(1, ItemStatus.Succeeded, new PredictionResult { PredictionId = "pb", Status = "succeeded", LocalPaths = [Path.Combine(elsewhere, "b", "y.png")] }));

        var lines = StatusSummary.Of(job, includeResults: true).Split('\n');

        Assert.Equal($"Files are under {elsewhere}{Path.DirectorySeparatorChar}", lines[1]);
        Assert.Equal($"item 0 succeeded: a{Path.DirectorySeparatorChar}x.png", lines[2]);
        Assert.Equal($"item 1 succeeded: b{Path.DirectorySeparatorChar}y.png", lines[3]);
    }

    [Fact]
    public void Of_JobList_HeadlinePerJob()
    {
        var finished = Batch(Item(0, ItemStatus.Succeeded));
        var running = Batch(Item(0, ItemStatus.Running)) with { Id = "batch-bbbbbbbbbbbb" };

        var text = StatusSummary.Of([running, finished]);

        Assert.Equal(
            "2 jobs kept, 1 running.\n" +
            "Batch batch-bbbbbbbbbbbb is running: 0/1 finished (1 running).\n" +
            "Batch batch-abcdefghijkm succeeded: 1/1 finished (1 succeeded). Kept until 2026-01-02T04:05:05.000Z.", text);
    }

    [Fact]
    public void PredictionSummary_Failed_ShowsErrorAndReadableLogs()
    {
        var result = new PredictionResult
        {
            PredictionId = "px", Status = "failed", Error = "CUDA out of memory",
            LogsTail = "seed 1\r  0%|   | 0/4\r 50%|#  | 2/4\nTraceback (most recent call last):\ntorch.OutOfMemoryError\n",
        };

        Assert.Equal(
            "Prediction px failed.\nerror: CUDA out of memory\nlogs (end):\n 50%|#  | 2/4\nTraceback (most recent call last):\ntorch.OutOfMemoryError",
            PredictionSummary.Of(result));
    }

    [Fact]
    public void PredictionSummary_RawObjectOutput_Shown()
    {
        var result = new PredictionResult
        {
            PredictionId = "px", Status = "succeeded", Urls = ["https://replicate.delivery/m.png"],
            Output = Json("""{"mask": "https://replicate.delivery/m.png", "score": 0.9}"""),
        };

        Assert.Equal(
            "Prediction px succeeded.\nhttps://replicate.delivery/m.png\noutput {\"mask\":\"https://replicate.delivery/m.png\",\"score\":0.9}",
            PredictionSummary.Of(result));
    }
}
