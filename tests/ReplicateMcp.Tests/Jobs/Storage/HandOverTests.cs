using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Tests.Jobs.Storage;

/// <summary>
/// CONTRACT §6 "Every hand-over completes or can be taken over": a claim whose claimant died is taken over, the
/// sweep survives any exception, and stop flushes whatever happened. Each failed on fea536c.
/// </summary>
public sealed class HandOverTests : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(17);
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _state = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _state.Dispose();

    private ExecCoreHarness CreateHarness(Action<IServiceCollection>? configure = null) => new(configure: s =>
    {
        s.Configure<JobStoreOptions>(o => { o.StateDirectory = _state.Path; o.OrphanSweepInterval = SweepInterval; });
        configure?.Invoke(s);
    });

    private static JobRecoveryService RecoveryOf(ExecCoreHarness harness) =>
        harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single();

    /// <summary>An unfinished job whose owner (no lock: dead) left it on disk.</summary>
    private async Task<Job> WriteOrphanAsync(string deadOwner = "7777-1")
    {
        var job = new Job
        {
            Id = JobTestData.NewId(),
            Kind = JobKind.Batch,
            CreatedAt = ExecCoreHarness.Start,
            Settings = new JobSettings(1, false, 300_000, 1, false),
            OwnerId = deadOwner,
            Backend = JobBackend.Of(new ReplicateOptions()),
            Items = [new JobItem { Index = 0, Model = "acme/flux", Input = JobTestData.Json("""{"prompt": "a fox"}"""), Status = ItemStatus.Queued }],
        };
        var file = Path.Combine(_state.Path, "jobs", job.Id + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(job, JobsJsonContext.Default.Job), CT);
        return job;
    }

    /// <summary>The claim a server left when it claimed <paramref name="job"/> and died before recording itself.</summary>
    private void WriteClaim(Job job, string claimant)
    {
        var claims = Path.Combine(_state.Path, "claims");
        Directory.CreateDirectory(claims);
        File.WriteAllText(Path.Combine(claims, $"{job.Id}@{job.OwnerId}"), claimant + "\n");
    }

    [Fact]
    public async Task Start_ClaimLeftByAClaimantThatDiedBeforeRecordingItself_TakenOverAndTheJobRuns()
    {
        var job = await WriteOrphanAsync();
        WriteClaim(job, claimant: "8888-1"); // no lock held by 8888-1: it is dead
        await using var harness = CreateHarness();

        await RecoveryOf(harness).StartAsync(CT);

        await harness.StateLoaded;

        var adopted = harness.Store.Get(job.Id);
        Assert.NotNull(adopted); // on fea536c the stale claim blocked every later claim, for good
        Assert.Equal(harness.Services.GetRequiredService<ProcessOwnership>().OwnerId, adopted.OwnerId);
        await harness.Executor.WhenStoppedAsync(job.Id).WaitAsync(HangBound, CT);
        Assert.Single(harness.Api.Creates);
    }

    [Fact]
    public async Task Start_ClaimOfAClaimantThatIsAlive_LeftToIt()
    {
        var job = await WriteOrphanAsync();
        WriteClaim(job, claimant: "8888-1");
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        using var alive = new FileStream(OwnerLocks.PathOf(_state.Path, "8888-1"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        await using var harness = CreateHarness();

        await RecoveryOf(harness).StartAsync(CT);

        await harness.StateLoaded;

        Assert.Null(harness.Store.Get(job.Id));
        Assert.Empty(harness.Api.Creates);
    }

    [Fact]
    public void TryClaim_StaleClaimTakenOverByManyAtOnce_ExactlyOneWins()
    {
        var claims = Path.Combine(_state.Path, "claims");
        Directory.CreateDirectory(claims);
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        var alive = Enumerable.Range(0, 16).Select(i => new FileStream(OwnerLocks.PathOf(_state.Path, $"100{i}-1"), FileMode.Create, FileAccess.ReadWrite, FileShare.None)).ToList();

        // Many rounds: a claim that is not atomic (check, then rename) lets two win only now and then.
        var winsPerRound = Enumerable.Range(0, 40).Select(_ =>
        {
            var job = new OwnedJob(JobTestData.NewId(), "7777-1");
            File.WriteAllText(Path.Combine(claims, $"{job.JobId}@7777-1"), "8888-1\n");
            return Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(16)
                .Count(i => new JobClaims(_state.Path, $"100{i}-1").TryClaim(job));
        }).ToList();

        alive.ForEach(a => a.Dispose());
        Assert.All(winsPerRound, wins => Assert.Equal(1, wins));
    }

    /// <summary>The real persistence, except that the first sweep's read throws a bug.</summary>
    private sealed class FirstSweepThrows(IJobPersistence inner) : IJobPersistence
    {
        private int _sweeps;

        public Channel<int> Sweeps { get; } = Channel.CreateUnbounded<int>();

        public int Flushes;

        public JobFileChanges LoadChanged()
        {
            var n = Interlocked.Increment(ref _sweeps);
            Sweeps.Writer.TryWrite(n);
            return n == 1 ? throw new InvalidOperationException("a bug in reading the state") : inner.LoadChanged();
        }

        public Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken) => inner.SaveAsync(job, durable, cancellationToken);
        public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => inner.DeleteAsync(jobId, cancellationToken);
        public IReadOnlyList<Job> LoadAll() => inner.LoadAll();
        public Job? TryLoad(string jobId) => inner.TryLoad(jobId);

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Flushes);
            return inner.FlushAsync(cancellationToken);
        }
    }

    [Fact]
    public async Task Sweep_ThrowsABug_LoggedAndTheNextSweepRunsAndAdopts_AndStopStillFlushes()
    {
        var persistence = new FirstSweepThrows(new JsonFileJobPersistence(_state.Path, TimeSpan.FromMilliseconds(100), TimeProvider.System, NullLogger<JsonFileJobPersistence>.Instance));
        await using var harness = CreateHarness(s => s.AddSingleton<IJobPersistence>(persistence));
        var time = (FakeTimeProvider)harness.Time;
        var recovery = RecoveryOf(harness);
        await recovery.StartAsync(CT);
        await harness.StateLoaded;

        time.Advance(SweepInterval);
        Assert.Equal(1, await persistence.Sweeps.Reader.ReadAsync(CT).AsTask().WaitAsync(HangBound, CT));
        var job = await WriteOrphanAsync();
        time.Advance(SweepInterval);
        // On fea536c the first exception ended the sweep loop: no second sweep ever came.
        Assert.Equal(2, await persistence.Sweeps.Reader.ReadAsync(CT).AsTask().WaitAsync(HangBound, CT));
        time.Advance(SweepInterval); // sweeps run one after another: the third begins once the second has adopted
        Assert.Equal(3, await persistence.Sweeps.Reader.ReadAsync(CT).AsTask().WaitAsync(HangBound, CT));
        Assert.NotNull(harness.Store.Get(job.Id));

        await recovery.StopAsync(CT); // on fea536c: rethrew the sweep's bug before flushing
        Assert.Equal(1, persistence.Flushes);
    }
}
