using System.Text.Json;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>CONTRACT §6: a prediction found by matching a held create is that create's only when no other job's could be.</summary>
public sealed class HeldCreatesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ModelRef Gen = new("acme", "gen", null);
    private const string Fox = """{"prompt":"a fox"}""";

    private static SentCreate Sent(string item, double atSeconds, string input = Fox) =>
        SentCreate.For(Gen, JsonDocument.Parse(input).RootElement, T0.AddSeconds(atSeconds), item);

    private static Prediction Listed(string id, double atSeconds, string input = Fox) => new()
    {
        Id = id, Model = "acme/gen", Input = JsonDocument.Parse(input).RootElement.Clone(), Status = PredictionStatuses.Processing, CreatedAt = T0.AddSeconds(atSeconds),
    };

    private sealed class Recorded(params SentCreate[] sent) : IRecordedSentCreates
    {
        public IEnumerable<SentCreate> Unanswered() => sent;
    }

    [Fact]
    public void IsOnlyOwner_NoOtherCreate_True()
    {
        var held = new HeldCreates();
        using var hold = held.Add(Sent("batch-a/0", 1));

        Assert.True(held.IsOnlyOwner(hold, Listed("p1", 1.2)));
    }

    [Fact]
    public void IsOnlyOwner_IdenticalCreateOfAnotherJobHeldHere_False()
    {
        var held = new HeldCreates();
        using var hold = held.Add(Sent("batch-a/0", 1));
        using var other = held.Add(Sent("batch-b/0", 1.1));

        Assert.False(held.IsOnlyOwner(hold, Listed("p1", 1.2)));
    }

    [Fact]
    public void IsOnlyOwner_IdenticalCreateOfAnotherJobRecordedInTheStateFolder_False()
    {
        var held = new HeldCreates(new Recorded(Sent("batch-of-another-server/3", 0.5)));
        using var hold = held.Add(Sent("batch-a/0", 1));

        Assert.False(held.IsOnlyOwner(hold, Listed("p1", 1.2)));
    }

    [Fact]
    public void IsOnlyOwner_OtherCreatesOfTheSameJobOrOtherInputOrSentAfterThePrediction_True()
    {
        var held = new HeldCreates(new Recorded(Sent("batch-a/1", 1), Sent("batch-c/0", 1, """{"prompt":"a cat"}""")));
        using var hold = held.Add(Sent("batch-a/0", 1));
        using var later = held.Add(Sent("batch-b/0", 2));

        Assert.True(held.IsOnlyOwner(hold, Listed("p1", 1.2)));
    }

    [Fact]
    public void IsOnlyOwner_AnotherJobsCreateAnsweredWithThatId_FalseEvenOnceItIsNoLongerHeld()
    {
        var held = new HeldCreates();
        using var hold = held.Add(Sent("batch-a/0", 1));
        var other = held.Add(Sent("batch-b/0", 1.1));
        var changed = held.Changed;

        other.Answered("p1");

        Assert.True(changed.IsCompleted);
        Assert.False(held.IsOnlyOwner(hold, Listed("p1", 1.2)));
        Assert.True(held.IsOnlyOwner(hold, Listed("p2", 1.3)));
    }

    [Fact]
    public void Answered_NoCreateHeldSinceBefore_ForgetsTheIds()
    {
        var held = new HeldCreates();
        var first = held.Add(Sent("batch-a/0", 1));
        first.Answered("p1");
        using var next = held.Add(Sent("batch-b/0", 5));

        Assert.True(held.IsOnlyOwner(next, Listed("p1", 5.5)));
        Assert.Equal(1, held.Count);
    }
}
