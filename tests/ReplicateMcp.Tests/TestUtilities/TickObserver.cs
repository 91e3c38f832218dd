using System.Threading.Channels;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>Hands a test each tick's end (with whether it sent a request) and each arrival of work, in order.</summary>
internal sealed class TickObserver : IFollowingObserver
{
    public Channel<bool> Ticks { get; } = Channel.CreateUnbounded<bool>();

    public Channel<bool> Added { get; } = Channel.CreateUnbounded<bool>();

    public void WorkAdded() => Added.Writer.TryWrite(true);

    public void TickCompleted(bool sent) => Ticks.Writer.TryWrite(sent);
}
