using System.Diagnostics;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Tests.Jobs.Storage;

/// <summary>Owner locks the kernel releases, and claims exactly one caller wins, across threads and processes.</summary>
public sealed class OwnershipTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly List<Process> _children = [];

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var child in _children)
        {
            try { child.Kill(entireProcessTree: true); child.WaitForExit(); }
            catch (InvalidOperationException) { }
            child.Dispose();
        }
        _state.Dispose();
    }

    [Fact]
    public void IsAlive_WhileTheLockIsHeld_TrueAndAfterDispose_False()
    {
        var held = OwnerLock.Acquire(_state.Path);

        Assert.True(OwnerLocks.IsAlive(_state.Path, held.OwnerId));
        held.Dispose();
        Assert.False(OwnerLocks.IsAlive(_state.Path, held.OwnerId));
    }

    [Fact]
    public void IsAlive_OwnerThatNeverLocked_False()
    {
        Assert.False(OwnerLocks.IsAlive(_state.Path, "4242-638000000000000000"));
    }

    [Fact]
    public void FindOrphans_JobsOfLiveDeadAndNoOwner_ReturnsOnlyTheOrphans()
    {
        using var me = OwnerLock.Acquire(_state.Path);
        var other = StartLockHolder("5555-1");
        var claims = new JobClaims(_state.Path, me.OwnerId);

        var orphans = claims.FindOrphans([
            new OwnedJob("batch-mine", me.OwnerId),
            new OwnedJob("batch-live", "5555-1"),
            new OwnedJob("batch-dead", "7777-1"),
            new OwnedJob("batch-none", null),
        ]);

        Assert.Equal(["batch-dead", "batch-none"], orphans.Select(j => j.JobId));
        Assert.False(other.HasExited);
    }

    [Fact]
    public async Task IsAlive_HolderKilledWithItsProcessGroupAndNotReaped_FalseAtOnce()
    {
        // sh starts the holder in its own process group and then becomes `sleep`, which never reaps it: once killed,
        // the holder stays a zombie, as a server killed under a client that does not wait for it does.
        const string owner = "31337-1";
        var path = OwnerLocks.PathOf(_state.Path, owner);
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        var shell = Start("sh", "-c", $"setsid flock -x '{path}' sleep 600 & echo $!; exec sleep 600");
        var holderPid = int.Parse((await shell.StandardOutput.ReadLineAsync(CT))!, System.Globalization.CultureInfo.InvariantCulture);
        await PollAsync(() => OwnerLocks.IsAlive(_state.Path, owner), "the child to take the lock");

        using (var kill = Process.Start("kill", ["-9", "--", "-" + holderPid]))
            await kill.WaitForExitAsync(CT);

        await PollAsync(() => !OwnerLocks.IsAlive(_state.Path, owner), "the kernel to drop the killed holder's lock");
        Assert.Equal('Z', ProcessState(holderPid));
    }

    [Fact]
    public async Task TryClaim_ManyThreadsAndOtherProcessesAtOnce_ExactlyOneWins()
    {
        var orphan = new OwnedJob("batch-orphan", "7777-1");
        var claimPath = Path.Combine(_state.Path, "claims", "batch-orphan@7777-1");
        Directory.CreateDirectory(Path.GetDirectoryName(claimPath)!);
        // Other processes claim the way any create-new does (the shell's noclobber opens with O_EXCL), all released at once.
        var gate = Path.Combine(_state.Path, "go");
        var shells = Enumerable.Range(0, 4).Select(_ => Start("sh", "-c",
            $"while [ ! -e '{gate}' ]; do :; done; (set -C; echo 9999-1 > '{claimPath}') 2>/dev/null && echo won || echo lost")).ToList();
        // Every claimant is alive (a dead one's claim would be taken over): the shells as 9999-1, each thread as itself.
        using var alive = HoldLocks([.. Enumerable.Range(0, 16).Select(i => $"{1000 + i}-1"), "9999-1"]);
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.Wait(CT);
            return new JobClaims(_state.Path, $"{1000 + i}-1").TryClaim(orphan);
        }, CT)).ToList();

        await File.WriteAllTextAsync(gate, "", CT);
        start.Set();
        var threadWins = (await Task.WhenAll(threads)).Count(won => won);
        var shellWins = 0;
        foreach (var shell in shells)
            if (await shell.StandardOutput.ReadLineAsync(CT) == "won") shellWins++;

        Assert.Equal(1, threadWins + shellWins);
    }

    [Fact]
    public void TryClaim_AfterTheAdopterDiesToo_TheJobCanBeClaimedAgainAgainstTheAdopter()
    {
        var first = new JobClaims(_state.Path, "1000-1");
        using (HoldLocks("1000-1"))
        {
            Assert.True(first.TryClaim(new OwnedJob("batch-x", "7777-1")));
            Assert.False(new JobClaims(_state.Path, "1001-1").TryClaim(new OwnedJob("batch-x", "7777-1")));
        }

        Assert.True(new JobClaims(_state.Path, "1001-1").TryClaim(new OwnedJob("batch-x", "1000-1")));
    }

    [Fact]
    public void Forget_RemovesTheJobsClaims()
    {
        var claims = new JobClaims(_state.Path, "1000-1");
        Assert.True(claims.TryClaim(new OwnedJob("batch-x", "7777-1")));

        claims.Forget("batch-x");

        Assert.True(claims.TryClaim(new OwnedJob("batch-x", "7777-1")));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("")]
    public void TryClaim_JobIdThatIsNotAName_ThrowsNamingIt(string jobId)
    {
        var ex = Assert.Throws<ArgumentException>(() => new JobClaims(_state.Path, "1000-1").TryClaim(new OwnedJob(jobId, "7777-1")));

        Assert.Contains($"'{jobId}'", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Holds the owner locks of <paramref name="owners"/>, as their live servers would.</summary>
    private IDisposable HoldLocks(params string[] owners)
    {
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        var held = owners.Select(o => new FileStream(OwnerLocks.PathOf(_state.Path, o), FileMode.Create, FileAccess.ReadWrite, FileShare.None)).ToList();
        return new Held(held);
    }

    private sealed class Held(List<FileStream> streams) : IDisposable
    {
        public void Dispose() => streams.ForEach(s => s.Dispose());
    }

    private Process StartLockHolder(string owner)
    {
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        var holder = Start("flock", "-x", OwnerLocks.PathOf(_state.Path, owner), "sleep", "600");
        PollAsync(() => OwnerLocks.IsAlive(_state.Path, owner), "the child to take the lock").GetAwaiter().GetResult();
        return holder;
    }

    private Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info)!;
        _children.Add(process);
        return process;
    }

    /// <summary>The one poll loop allowed: a real child process has no event to wait on.</summary>
    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting for {what}");
            await Task.Delay(10, CT);
        }
    }

    /// <summary>The state letter in /proc/&lt;pid&gt;/stat (R, S, Z…); '-' when the process is gone.</summary>
    private static char ProcessState(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '-';
        }
    }
}
