using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.Replicate;

public sealed class ReplicateClockTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(5)]
    [InlineData(-5)]
    public void Now_ReplicateMinutesAheadOrBehind_FollowsReplicate(int minutes)
    {
        var clock = new ReplicateClock(_time);
        clock.Observe(_time.GetUtcNow().AddMinutes(minutes));

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(_time.GetUtcNow().AddMinutes(minutes), clock.Now);
    }

    [Fact]
    public void Observe_LaterSampleThatArrivedSlowly_KeepsTheTighterLowerBound()
    {
        var clock = new ReplicateClock(_time);
        clock.Observe(_time.GetUtcNow().AddMinutes(5));
        // An answer stamped 2 s before it arrived (a slow answer): a lower estimate, which must not win.
        clock.Observe(_time.GetUtcNow().AddMinutes(5).AddSeconds(-2));

        Assert.Equal(TimeSpan.FromMinutes(5), clock.Offset);
    }

    [Fact]
    public void Observe_AfterSampleLifetime_FollowsAClockSetBack()
    {
        var clock = new ReplicateClock(_time);
        clock.Observe(_time.GetUtcNow().AddMinutes(5));
        _time.Advance(ReplicateClock.SampleLifetime + TimeSpan.FromSeconds(1));

        clock.Observe(_time.GetUtcNow().AddMinutes(1));

        Assert.Equal(TimeSpan.FromMinutes(1), clock.Offset);
    }

    [Fact]
    public void Now_NothingSeen_IsTheLocalClockAndUnknown()
    {
        var clock = new ReplicateClock(_time);

        Assert.False(clock.IsKnown);
        Assert.Equal(_time.GetUtcNow(), clock.Now);
    }
}
