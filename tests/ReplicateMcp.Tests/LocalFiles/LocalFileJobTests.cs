using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.Schemas;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.LocalFiles;

/// <summary>
/// Local files as inputs end to end through the production core (CONTRACT §8): start-time refusals (all or nothing:
/// no job, no create, no upload), files sent when the item starts (inline or uploaded once), pipelines passing a
/// downloaded file on, a failed upload failing only its item.
/// </summary>
public sealed class LocalFileJobTests : IAsyncDisposable
{
    private const int InlineLimit = 1000;
    private const int FileLimit = 100_000;
    private const string Model = "acme/flux"; // FluxLike: "image" is format: uri, "image_urls" an array of them

    private readonly TempDirectory _photos = new();
    private readonly TempDirectory _outside = new();
    private readonly ExecCoreHarness _core;

    public LocalFileJobTests()
    {
        _core = new ExecCoreHarness(extraSettings: new Dictionary<string, string?>
        {
            ["LocalFiles:InputDirectories:0"] = _photos.Path,
            ["LocalFiles:MaxInlineBytes"] = InlineLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LocalFiles:MaxFileBytes"] = FileLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _core.Api.PublishSchema(Model, CogSchemas.FluxLike);
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _core.DisposeAsync();
        _photos.Dispose();
        _outside.Dispose();
    }

    private InputFileSender Sender => _core.Services.GetRequiredService<InputFileSender>();

    private static string Write(string folder, string name, int bytes, byte fill = 7)
    {
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, bytes).ToArray());
        return path;
    }

    private static ItemSpec ImageItem(string image) =>
        new(null, Model, ExecCoreHarness.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["prompt"] = "a fox", ["image"] = image })));

    private static JobSpec Batch(bool validate = true, IReadOnlyList<string>? roots = null, params ItemSpec[] items) =>
        new(JobKind.Batch, items, new JobSettings(3, Download: false, TimeoutMs: 300_000, TtlHours: 1, Validate: validate), ClientRoots: roots);

    private async Task<string> RefusedAsync(JobSpec spec)
    {
        var refused = await Assert.ThrowsAsync<JobStartException>(() => _core.Starter.StartAsync(spec, CT));
        Assert.Empty(_core.Store.List());
        Assert.Empty(_core.Api.Creates);
        Assert.Empty(_core.Api.Uploads);
        return Assert.Single(refused.Problems);
    }

    public enum Case { Outside, OutsideMissing, HiddenFile, HiddenFolder, LinkOutside, TooLarge, Folder, PlainText }

    [Theory]
    [InlineData(Case.Outside, "is outside the allowed folders")]
    [InlineData(Case.OutsideMissing, "is outside the allowed folders")]
    [InlineData(Case.HiddenFile, "is hidden")]
    [InlineData(Case.HiddenFolder, "is hidden")]
    [InlineData(Case.LinkOutside, "is outside the allowed folders")]
    [InlineData(Case.TooLarge, "at most 100000 bytes a file is sent")]
    [InlineData(Case.Folder, "is a folder, not a file")]
    [InlineData(Case.PlainText, "is not a file this model input can take")]
    public async Task Start_FileBreakingARule_RefusedNamingItemPathAndRule_NothingCreatedOrUploaded(Case rule, string expected)
    {
        var secret = Write(_outside.Path, "secret.png", 10);
        var given = rule switch
        {
            Case.Outside => secret,
            Case.OutsideMissing => Path.Combine(_outside.Path, "missing.png"),
            Case.HiddenFile => Write(_photos.Path, ".secret.png", 10),
            Case.HiddenFolder => Write(_photos.Path, Path.Combine(".private", "a.png"), 10),
            Case.LinkOutside => File.CreateSymbolicLink(Path.Combine(_photos.Path, "link.png"), secret).FullName,
            Case.TooLarge => Write(_photos.Path, "big.png", FileLimit + 1),
            Case.Folder => Directory.CreateDirectory(Path.Combine(_photos.Path, "sub")).FullName,
            _ => "cat.png",
        };

        var problem = await RefusedAsync(Batch(items: [ImageItem("https://example.com/ok.png"), ImageItem(given)]));

        Assert.StartsWith($"items[1].input.image: '{given}' ", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public async Task Start_OutsideFile_SameWordsWhetherOrNotItExists()
    {
        var existing = Write(_outside.Path, "a.png", 10);
        var missing = Path.Combine(_outside.Path, "b.png");

        var first = await RefusedAsync(Batch(items: ImageItem(existing)));
        var second = await RefusedAsync(Batch(items: ImageItem(missing)));

        Assert.Equal(first.Replace(existing, "<path>", StringComparison.Ordinal), second.Replace(missing, "<path>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ValidateOff_FileRulesStillHold()
    {
        var secret = Write(_outside.Path, "secret.png", 10);

        var problem = await RefusedAsync(Batch(validate: false, items: ImageItem("file://" + secret)));

        Assert.Contains("items[0].input.image", problem);
        Assert.Contains("outside the allowed folders", problem);
    }

    [Fact]
    public async Task Start_PipelineStep_NamedByItsIdAndTemplatesLeftForLater()
    {
        var steps = new[]
        {
            ExecCoreHarness.Step("gen", Model, """{"prompt": "a fox"}"""),
            ExecCoreHarness.Step("up", Model, $$"""{"prompt": "$gen.prediction_id", "image": "{{Path.Combine(_outside.Path, "x.png")}}", "image_urls": ["$gen.urls[0]"]}"""),
        };

        var refused = await Assert.ThrowsAsync<JobStartException>(() => _core.Starter.StartAsync(ExecCoreHarness.Pipeline(2, steps), CT));

        var problem = Assert.Single(refused.Problems);
        Assert.StartsWith("steps[up].input.image: ", problem);
        Assert.Empty(_core.Store.List());
    }

    [Fact]
    public async Task Start_NoSchema_OnlyFileUrisAndAllowedFilesCount_AndSaysSo()
    {
        var photo = Write(_photos.Path, "a.png", 10);
        var input = ExecCoreHarness.Json(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image"] = photo, ["caption"] = "/not/a/file/here", ["mask"] = "plain text",
        }));

        var started = await _core.Starter.StartAsync(Batch(items: new ItemSpec(null, "acme/noschema", input)), CT);
        var job = await _core.FinishedAsync(started.Job.Id);

        Assert.Contains("Local files for acme/noschema were told from text without its input schema", started.Message);
        var sent = Assert.Single(_core.Api.Creates).Input;
        Assert.StartsWith("data:image/png;base64,", sent.GetProperty("image").GetString());
        Assert.Equal("/not/a/file/here", sent.GetProperty("caption").GetString());
        Assert.Equal(ItemStatus.Succeeded, job.Items[0].Status);
    }

    [Fact]
    public async Task Batch_FiveLocalPhotos_SmallInlineLargeUploadedOnceEach_StatusShowsPathsNotBase64()
    {
        string[] small = [Write(_photos.Path, "a.png", 600, 1), Write(_photos.Path, "b.jpg", 700, 2), Write(_photos.Path, "c.webp", 800, 3)];
        string[] large = [Write(_photos.Path, "d.png", 5000, 4), Write(_photos.Path, "e.png", 6000, 5)];
        // The sixth item names d.png again, as a file:// URI: still one upload.
        var items = small.Concat(large).Select(ImageItem).Append(ImageItem("file://" + large[0])).ToArray();

        var started = await _core.Starter.StartAsync(Batch(items: items), CT);
        var job = await _core.FinishedAsync(started.Job.Id);

        Assert.All(job.Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
        Assert.Equal(3, Sender.InlinedCount);
        Assert.Equal(2, Sender.UploadCount);
        Assert.Equal(["d.png", "e.png"], _core.Api.Uploads.Select(u => u.FileName).Order());
        var sent = _core.Api.Creates.Select(c => c.Input.GetProperty("image").GetString()!).ToList();
        Assert.Equal(3, sent.Count(s => s.StartsWith("data:", StringComparison.Ordinal)));
        var d = job.Items[3].SentInput!.Value.GetProperty("image").GetString();
        var e = job.Items[4].SentInput!.Value.GetProperty("image").GetString();
        Assert.Equal(d, job.Items[5].SentInput!.Value.GetProperty("image").GetString());
        Assert.NotEqual(d, e);
        Assert.Equal(2, sent.Count(s => s == d));
        Assert.Equal(1, sent.Count(s => s == e));

        // What the user gave stays the input; what was sent shows the upload's URL, and an inline file only as a note.
        Assert.Equal(small[0], job.Items[0].Input.GetProperty("image").GetString());
        Assert.Equal($"data:image/png;base64,… (600 bytes from {small[0]})", job.Items[0].SentInput!.Value.GetProperty("image").GetString());
        Assert.StartsWith("https://api.replicate.com/v1/files/", job.Items[3].SentInput!.Value.GetProperty("image").GetString());
        Assert.All(job.Items, i => Assert.DoesNotContain("base64,A", i.SentInput!.Value.GetRawText(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Batch_UploadFails_ThatItemFailsWithTheFileNamed_OthersSucceed()
    {
        var good = Write(_photos.Path, "good.png", 5000, 1);
        var bad = Write(_photos.Path, "bad.png", 5000, 2);
        var small = Write(_photos.Path, "small.png", 10, 3);
        _core.Api.UploadFault = name => name == "bad.png" ? new ReplicateApiException(HttpStatusCode.RequestEntityTooLarge, "file too large for this account") : null;

        var started = await _core.Starter.StartAsync(Batch(items: [ImageItem(good), ImageItem(bad), ImageItem(small)]), CT);
        var job = await _core.FinishedAsync(started.Job.Id);

        Assert.Equal([ItemStatus.Succeeded, ItemStatus.Failed, ItemStatus.Succeeded], job.Items.Select(i => i.Status));
        Assert.Equal(JobStatus.Partial, job.Status);
        Assert.StartsWith($"items[1].input.image: '{bad}' could not be sent (", job.Items[1].Error);
        Assert.Contains("file too large for this account", job.Items[1].Error);
        Assert.Equal(2, _core.Api.Creates.Count);
    }

    [Fact]
    public async Task Pipeline_LocalPathOfEarlierStep_IsSentOnLikeAnyAllowedFile()
    {
        var preparer = _core.Services.GetRequiredService<StepInputPreparer>();
        var output = Write(Path.Combine(_core.DownloadDirectory, "pl_x", "gen"), "output-0.png", 5000, 9);
        var job = new Job
        {
            Id = ReplicateMcp.Tests.Jobs.JobTestData.NewId(JobKind.Pipeline), Kind = JobKind.Pipeline, Settings = new JobSettings(2, true, 300_000, 1, true),
            Items =
            [
                new JobItem
                {
                    Index = 0, StepId = "gen", Model = Model, Input = ExecCoreHarness.Json("""{"prompt": "a fox"}"""), Status = ItemStatus.Succeeded,
                    Result = new PredictionResult { PredictionId = "p0", Status = "succeeded", Urls = ["https://replicate.delivery/x/output-0.png"], LocalPaths = [output] },
                },
                new JobItem { Index = 1, StepId = "up", Model = Model, Input = ExecCoreHarness.Json("""{"prompt": "upscale", "image": "$gen.local_paths[0]", "seed": 2}"""), DependsOn = ["gen"] },
            ],
        };

        var prepared = await preparer.PrepareAsync(JobSteps.InputRequest(job, job.Items[1]), CT);

        Assert.Null(prepared.Error);
        Assert.Equal("https://api.replicate.com/v1/files/file1", prepared.Input.GetProperty("image").GetString());
        var upload = Assert.Single(_core.Api.Uploads);
        Assert.Equal(("output-0.png", "image/png", 5000), (upload.FileName, upload.ContentType, upload.Content.Length));
        Assert.Equal(2, prepared.Input.GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task Start_ClientRoots_AllowTheirFiles_AndAreKeptOnTheJob()
    {
        var file = Write(_outside.Path, "from-root.png", 10);
        var root = new Uri(_outside.Path + Path.DirectorySeparatorChar).AbsoluteUri;

        var started = await _core.Starter.StartAsync(Batch(roots: [root], items: ImageItem(file)), CT);
        var job = await _core.FinishedAsync(started.Job.Id);

        Assert.Equal([root], job.ClientRoots);
        Assert.Equal(ItemStatus.Succeeded, job.Items[0].Status);
        Assert.StartsWith("data:image/png;base64,", Assert.Single(_core.Api.Creates).Input.GetProperty("image").GetString());
    }

    [Fact]
    public void JobFile_WrittenBeforeRootsWereKept_ReadsWithNoRootsAndWritesAgain()
    {
        var job = JsonSerializer.Deserialize("""{"version": 1, "id": "b_old", "kind": "batch", "items": []}""", ReplicateMcp.Jobs.JobsJsonContext.Default.Job)!;

        Assert.Empty(job.ClientRoots);
        Assert.Contains("\"client_roots\":[]", JsonSerializer.Serialize(job, ReplicateMcp.Jobs.JobsJsonContext.Default.Job));
    }
}
