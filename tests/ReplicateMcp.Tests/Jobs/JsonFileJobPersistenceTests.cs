using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Jobs;

public sealed class JsonFileJobPersistenceTests : IDisposable
{
    private static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(100);

    private readonly string _stateDir = Directory.CreateTempSubdirectory("replicate-mcp-state-").FullName;
    private readonly SignalingTimeProvider _time = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public JsonFileJobPersistenceTests() => Directory.CreateDirectory(JobsDir);

    private string JobsDir => Path.Combine(_stateDir, "jobs");

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    private JsonFileJobPersistence CreateSut() =>
        new(_stateDir, Coalescing, _time, NullLogger<JsonFileJobPersistence>.Instance);

    private string FileOf(string jobId) => Path.Combine(JobsDir, jobId + ".json");

    private static string Serialize(Job job) => JsonSerializer.Serialize(job, JobsJsonContext.Default.Job);

    private Job FullJob()
    {
        var now = _time.GetUtcNow();
        return new Job
        {
            Id = JobTestData.NewId(JobKind.Pipeline),
            Kind = JobKind.Pipeline,
            Settings = new JobSettings(2, false, 60_000, 24, false),
            CreatedAt = now,
            CompletedAt = now.AddMinutes(3),
            CanceledByUser = true,
            Note = "validation skipped",
            OwnerId = "4242-638000000000000000",
            Backend = "https://api.replicate.com/v1/",
            IdempotencyKey = "retry-1",
            Items =
            [
                new JobItem
                {
                    Index = 0,
                    StepId = "gen",
                    Model = "owner/model",
                    Input = JobTestData.Json("""{"prompt": "a cat", "n": 2, "nested": {"list": [1, "two", null, true]}}"""),
                    Status = ItemStatus.TimedOut,
                    PredictionId = "abc123",
                    StartedAt = now.AddSeconds(1),
                    CompletedAt = now.AddSeconds(90),
                    SentInput = JobTestData.Json("""{"prompt": "a cat"}"""),
                    Error = "Timed out",
                    Result = new PredictionResult
                    {
                        PredictionId = "abc123",
                        Status = "processing",
                        Urls = ["https://replicate.delivery/a.png"],
                        LocalPaths = ["/tmp/a.png"],
                        TextOutput = ["hello"],
                        Output = JobTestData.Json("""["https://replicate.delivery/a.png"]"""),
                        Metrics = JobTestData.Json("""{"predict_time": 1.5}"""),
                        Pending = true,
                        LogsTail = "step 3/4",
                    },
                },
                new JobItem
                {
                    Index = 1,
                    StepId = "up",
                    Model = "owner/upscaler:" + new string('a', 64),
                    Input = JobTestData.Json("""{"image": "$gen.urls[0]"}"""),
                    DependsOn = ["gen"],
                    Status = ItemStatus.Skipped,
                    SkipReason = "depends on step 'gen', which ended timed_out",
                },
            ],
        };
    }

    [Fact]
    public async Task SaveAsync_Durable_WritesJobFileThatRoundTrips()
    {
        var sut = CreateSut();
        var job = FullJob();

        await sut.SaveAsync(job, durable: true, CT);

        Assert.True(File.Exists(FileOf(job.Id)));
        var loaded = Assert.Single(CreateSut().LoadAll());
        Assert.Equal(Serialize(job), Serialize(loaded));
        Assert.Equal("a cat", loaded.Items[0].Input.GetProperty("prompt").GetString());
        Assert.Equal(1.5, loaded.Items[0].Result!.Metrics!.Value.GetProperty("predict_time").GetDouble());
        Assert.Equal((job.OwnerId, job.Backend, job.IdempotencyKey), (loaded.OwnerId, loaded.Backend, loaded.IdempotencyKey));
        Assert.Equal(job.CompletedAt, loaded.CompletedAt);
    }

    [Fact]
    public async Task SaveAsync_Durable_WritesEnumsAsSnakeCaseStrings()
    {
        var sut = CreateSut();
        var job = FullJob();

        await sut.SaveAsync(job, durable: true, CT);

        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(FileOf(job.Id), CT));
        var root = doc.RootElement;
        Assert.Equal("pipeline", root.GetProperty("kind").GetString());
        Assert.Equal(Job.FormatVersion, root.GetProperty("version").GetInt32());
        Assert.Equal("timed_out", root.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal("skipped", root.GetProperty("items")[1].GetProperty("status").GetString());
        Assert.Equal("abc123", root.GetProperty("items")[0].GetProperty("prediction_id").GetString());
        Assert.True(root.GetProperty("canceled_by_user").GetBoolean());
    }

    [Fact]
    public async Task SaveAsync_BurstOfChanges_CoalescedIntoOneWriteOfLatest()
    {
        var sut = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());

        await sut.SaveAsync(job with { Note = "first" }, durable: false, CT);
        await sut.SaveAsync(job with { Note = "second" }, durable: false, CT);
        await sut.SaveAsync(job with { Note = "latest" }, durable: false, CT);
        var due = await _time.NextTimerAsync(CT);
        Assert.False(File.Exists(FileOf(job.Id)));

        _time.Advance(due);
        await sut.FlushAsync(CT);

        Assert.Equal(1, _time.TimerCount);
        Assert.Equal("latest", Assert.Single(CreateSut().LoadAll()).Note);
    }

    [Fact]
    public async Task SaveAsync_DurableAfterPendingSave_FileHoldsLatestAtOnce()
    {
        var sut = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());

        await sut.SaveAsync(job with { Note = "pending" }, durable: false, CT);
        await sut.SaveAsync(job with { Note = "with prediction id" }, durable: true, CT);

        Assert.Equal("with prediction id", Assert.Single(CreateSut().LoadAll()).Note);
        _time.Advance(await _time.NextTimerAsync(CT));
        await sut.FlushAsync(CT);
        Assert.Equal("with prediction id", Assert.Single(CreateSut().LoadAll()).Note);
    }

    [Fact]
    public async Task SaveAsync_ManyWrites_LeavesNoTempFiles()
    {
        var sut = CreateSut();
        var jobs = Enumerable.Range(0, 5).Select(_ => JobTestData.Batch(_time.GetUtcNow())).ToList();

        foreach (var job in jobs)
        {
            await sut.SaveAsync(job, durable: true, CT);
            await sut.SaveAsync(job with { Note = "again" }, durable: true, CT);
        }

        Assert.Empty(Directory.GetFiles(JobsDir, "*.tmp"));
        Assert.Equal(jobs.Select(j => j.Id + ".json").Order(), Directory.GetFiles(JobsDir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task LoadAll_TruncatedFile_MovedAsideAndOthersLoaded()
    {
        var sut = CreateSut();
        var good = JobTestData.Batch(_time.GetUtcNow());
        await sut.SaveAsync(good, durable: true, CT);
        var badId = JobTestData.NewId();
        var truncated = Serialize(JobTestData.Batch(_time.GetUtcNow(), id: badId));
        await File.WriteAllTextAsync(FileOf(badId), truncated[..(truncated.Length / 2)], CT);

        var loaded = CreateSut().LoadAll();

        Assert.Equal([good.Id], loaded.Select(j => j.Id));
        Assert.False(File.Exists(FileOf(badId)));
        var aside = Assert.Single(Directory.GetFiles(JobsDir, badId + ".json.corrupt-*"));
        Assert.Equal(truncated[..(truncated.Length / 2)], await File.ReadAllTextAsync(aside, CT));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("{\"id\": \"batch-other222222\", \"version\": 1}")]
    public async Task LoadAll_UnreadableFile_MovedAsideWithoutThrowing(string content)
    {
        var badId = JobTestData.NewId();
        await File.WriteAllTextAsync(FileOf(badId), content, CT);

        var loaded = CreateSut().LoadAll();

        Assert.Empty(loaded);
        Assert.Single(Directory.GetFiles(JobsDir, badId + ".json.corrupt-*"));
    }

    [Fact]
    public async Task LoadAll_NewerFormatVersion_LeftAlone()
    {
        var id = JobTestData.NewId();
        var content = Serialize(JobTestData.Batch(_time.GetUtcNow(), id: id) with { Version = Job.FormatVersion + 1 });
        await File.WriteAllTextAsync(FileOf(id), content, CT);

        var loaded = CreateSut().LoadAll();

        Assert.Empty(loaded);
        Assert.Equal(content, await File.ReadAllTextAsync(FileOf(id), CT));
        Assert.Empty(Directory.GetFiles(JobsDir, "*.corrupt-*"));
    }

    [Fact]
    public async Task LoadAll_NewerFormatWithValuesThisVersionCannotRead_LeftAlone()
    {
        // A newer server sharing the state dir may write statuses or shapes we do not know; its file is not ours to move.
        var id = JobTestData.NewId();
        var content = Serialize(JobTestData.Batch(_time.GetUtcNow(), id: id) with { Version = Job.FormatVersion + 1 })
            .Replace("\"status\":\"queued\"", "\"status\":\"paused\"", StringComparison.Ordinal);
        Assert.Contains("paused", content, StringComparison.Ordinal);
        await File.WriteAllTextAsync(FileOf(id), content, CT);

        var loaded = CreateSut().LoadAll();

        Assert.Empty(loaded);
        Assert.True(File.Exists(FileOf(id)));
        Assert.Empty(Directory.GetFiles(JobsDir, "*.corrupt-*"));
    }

    [Fact]
    public async Task DeleteAsync_SavedJob_RemovesFile()
    {
        var sut = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await sut.SaveAsync(job, durable: true, CT);

        await sut.DeleteAsync(job.Id, CT);

        Assert.False(File.Exists(FileOf(job.Id)));
        Assert.Empty(CreateSut().LoadAll());
    }

    [Fact]
    public async Task DeleteAsync_ManyJobsSavedThenDeleted_KeepsNoWriteGateForThem()
    {
        var sut = CreateSut();
        var jobs = Enumerable.Range(0, 5).Select(_ => JobTestData.Batch(_time.GetUtcNow())).ToList();
        foreach (var job in jobs) await sut.SaveAsync(job, durable: true, CT);
        Assert.Equal(5, sut.GateCount);

        foreach (var job in jobs) await sut.DeleteAsync(job.Id, CT);

        Assert.Equal(0, sut.GateCount);
    }

    [Fact]
    public async Task DeleteAsync_WithPendingCoalescedSave_FileNotResurrected()
    {
        var sut = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await sut.SaveAsync(job, durable: false, CT);
        var due = await _time.NextTimerAsync(CT);

        await sut.DeleteAsync(job.Id, CT);
        _time.Advance(due);
        await sut.FlushAsync(CT);

        Assert.False(File.Exists(FileOf(job.Id)));
    }
}
