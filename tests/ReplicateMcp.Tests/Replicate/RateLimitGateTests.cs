using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.Replicate;

public sealed class RateLimitGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private RateLimitGate CreateSut(int createsPerMinute = 600) =>
        new(_time, Options.Create(new ReplicateOptions { CreatesPerMinute = createsPerMinute }));

    [Fact]
    public void WaitAsync_FirstSecondOfCreates_PassWithoutWaiting()
    {
        var gate = CreateSut(600);

        var waits = Enumerable.Range(0, 10).Select(_ => gate.WaitAsync(isCreate: true, CT)).ToList();

        Assert.All(waits, w => Assert.True(w.IsCompletedSuccessfully));
    }

    [Fact]
    public void WaitAsync_MoreCreatesThanOneSecondAllows_TheRestWaitOneWindowPerBurst()
    {
        var gate = CreateSut(600); // 10 per second
        var waits = Enumerable.Range(0, 25).Select(_ => gate.WaitAsync(isCreate: true, CT)).ToList();

        Assert.Equal(10, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(10, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(20, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(25, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void WaitAsync_CreatesSpreadOverTime_NoSecondEverHoldsMoreThanTheBurst()
    {
        var gate = CreateSut(120); // 2 per second
        var passedAt = new List<DateTimeOffset>();
        for (var i = 0; i < 12; i++)
        {
            var wait = gate.WaitAsync(isCreate: true, CT);
            while (!wait.IsCompleted) _time.Advance(TimeSpan.FromMilliseconds(50));
            passedAt.Add(_time.GetUtcNow());
            _time.Advance(TimeSpan.FromMilliseconds(150 * (i % 3))); // uneven arrivals
        }

        for (var i = 2; i < passedAt.Count; i++)
            Assert.True(passedAt[i] - passedAt[i - 2] >= TimeSpan.FromSeconds(1), $"creates {i - 2}..{i} passed within {(passedAt[i] - passedAt[i - 2]).TotalMilliseconds} ms");
    }

    [Fact]
    public void WaitAsync_FewerThanSixtyPerMinute_OneCreatePerInterval()
    {
        var gate = CreateSut(30); // one every 2 s
        var first = gate.WaitAsync(isCreate: true, CT);
        var second = gate.WaitAsync(isCreate: true, CT);

        Assert.True(first.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(second.IsCompleted);
    }

    [Fact]
    public void WaitAsync_AfterBackOff_ReadsAndCreatesWaitUntilTheBlockEnds()
    {
        var gate = CreateSut();
        gate.BackOff(TimeSpan.FromSeconds(3));

        var read = gate.WaitAsync(isCreate: false, CT);
        var create = gate.WaitAsync(isCreate: true, CT);
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(read.IsCompleted);
        Assert.False(create.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(read.IsCompleted);
        Assert.True(create.IsCompleted);
    }

    [Fact]
    public void BackOff_ShorterThanTheCurrentBlock_DoesNotShortenIt()
    {
        var gate = CreateSut();
        gate.BackOff(TimeSpan.FromSeconds(5));
        gate.BackOff(TimeSpan.FromSeconds(1));

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(5), gate.BlockedUntil);
    }

    [Fact]
    public void CreateRefused_WholeWaveRefused_HalvesTheAllowanceOnce()
    {
        var gate = CreateSut(600);

        for (var i = 0; i < 5; i++) gate.CreateRefused();

        Assert.Equal(5, gate.CreateAllowance);
        _time.Advance(TimeSpan.FromSeconds(1));
        gate.CreateRefused();
        gate.CreateRefused();
        Assert.Equal(2, gate.CreateAllowance);
    }

    [Fact]
    public void CreateRefused_AllowanceCut_FewerCreatesPassPerWindow()
    {
        var gate = CreateSut(600);
        gate.CreateRefused(); // 10 -> 5 a second

        var waits = Enumerable.Range(0, 12).Select(_ => gate.WaitAsync(isCreate: true, CT)).ToList();

        Assert.Equal(5, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void CreateAccepted_RunAsLongAsTheAllowance_RaisesItByOneUpToTheConfiguredRate()
    {
        var gate = CreateSut(600);
        gate.CreateRefused();
        _time.Advance(TimeSpan.FromSeconds(1));
        gate.CreateRefused(); // 2 a second

        gate.CreateAccepted();
        Assert.Equal(2, gate.CreateAllowance);
        gate.CreateAccepted();
        Assert.Equal(3, gate.CreateAllowance);
        for (var i = 0; i < 100; i++) gate.CreateAccepted();
        Assert.Equal(10, gate.CreateAllowance);
    }

    [Fact]
    public void WaitAsync_RefusalWhileACreateWaitsForItsSlot_TheCreateWaitsOutTheBlockToo()
    {
        var gate = CreateSut(60); // one a second
        Assert.True(gate.WaitAsync(isCreate: true, CT).IsCompleted);
        var second = gate.WaitAsync(isCreate: true, CT); // slot at +1 s

        gate.BackOff(TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(second.IsCompleted);
    }
}
