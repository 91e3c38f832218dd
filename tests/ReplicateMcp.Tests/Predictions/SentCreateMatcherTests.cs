using System.Text.Json;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Tests.Predictions;

public sealed class SentCreateMatcherTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ModelRef Flux = new("black-forest-labs", "flux-schnell", null);

    private static SentCreate Sent(string item, string inputJson, double seconds, ModelRef? model = null) =>
        SentCreate.For(model ?? Flux, JsonDocument.Parse(inputJson).RootElement, T0.AddSeconds(seconds), item);

    private static Prediction Listed(string id, string inputJson, double seconds, string model = "black-forest-labs/flux-schnell") => new()
    {
        Id = id,
        Model = model,
        Input = JsonDocument.Parse(inputJson).RootElement.Clone(),
        Status = PredictionStatuses.Processing,
        CreatedAt = T0.AddSeconds(seconds),
    };

    private static Dictionary<string, string> Pairs(IEnumerable<(SentCreate Sent, Prediction Prediction)> matches) =>
        matches.ToDictionary(m => m.Sent.Item, m => m.Prediction.Id);

    [Fact]
    public void Match_ThreeIdenticalSends_TakeThreeDistinctPredictionsAndNotAnOlderOne()
    {
        const string input = """{"prompt":"a corgi"}""";
        var sent = new[] { Sent("0", input, 1), Sent("1", input, 1), Sent("2", input, 2) };
        var listed = new[] { Listed("old", input, 0), Listed("a", input, 1.1), Listed("b", input, 1.2), Listed("c", input, 2.5), Listed("d", input, 3) };

        var pairs = Pairs(SentCreateMatcher.Match(sent, listed, new HashSet<string>()));

        Assert.Equal(3, pairs.Values.Distinct().Count());
        Assert.DoesNotContain("old", pairs.Values);
        // The send at 2 s cannot have made a or b (created before it was sent).
        Assert.Contains(pairs["2"], new[] { "c", "d" });
    }

    [Fact]
    public void Match_MoreSendsThanPredictions_LeavesTheRestUnmatched()
    {
        const string input = """{"prompt":"x"}""";

        var matches = SentCreateMatcher.Match([Sent("0", input, 1), Sent("1", input, 1)], [Listed("a", input, 1.5)], new HashSet<string>());

        Assert.Equal("a", Assert.Single(matches).Prediction.Id);
    }

    [Fact]
    public void Match_TakenIds_AreNeverMatchedAgain()
    {
        const string input = """{"prompt":"x"}""";

        var matches = SentCreateMatcher.Match([Sent("0", input, 1)], [Listed("a", input, 1.5), Listed("b", input, 1.6)], new HashSet<string> { "a" });

        Assert.Equal("b", Assert.Single(matches).Prediction.Id);
    }

    [Fact]
    public void Match_SameInputWrittenDifferently_Matches()
    {
        var matches = SentCreateMatcher.Match(
            [Sent("0", """{"width": 512, "prompt": "x", "extra": {"b": 1.50, "a": [1, 2]}}""", 1)],
            [Listed("a", """{"extra":{"a":[1,2],"b":1.5},"prompt":"x","width":512.0}""", 1.5, "Black-Forest-Labs/FLUX-schnell")],
            new HashSet<string>());

        Assert.Equal("a", Assert.Single(matches).Prediction.Id);
    }

    [Theory]
    [InlineData("""{"prompt":"y"}""", "black-forest-labs/flux-schnell", 1.5)]
    [InlineData("""{"prompt":"x"}""", "black-forest-labs/flux-dev", 1.5)]
    [InlineData("""{"prompt":"x"}""", "black-forest-labs/flux-schnell", 0.5)]
    public void Match_OtherInputOtherModelOrCreatedBeforeTheSend_DoesNotMatch(string inputJson, string model, double seconds)
    {
        var matches = SentCreateMatcher.Match([Sent("0", """{"prompt":"x"}""", 1)], [Listed("a", inputJson, seconds, model)], new HashSet<string>());

        Assert.Empty(matches);
    }

    [Fact]
    public void Match_TwoModels_EachSendTakesItsOwn()
    {
        var dev = new ModelRef("black-forest-labs", "flux-dev", null);
        var pairs = Pairs(SentCreateMatcher.Match(
            [Sent("schnell", """{"prompt":"x"}""", 1), Sent("dev", """{"prompt":"x"}""", 1, dev)],
            [Listed("d", """{"prompt":"x"}""", 1.1, "black-forest-labs/flux-dev"), Listed("s", """{"prompt":"x"}""", 1.2)],
            new HashSet<string>()));

        Assert.Equal(("s", "d"), (pairs["schnell"], pairs["dev"]));
    }

    [Fact]
    public void For_VersionedModel_KeysByOwnerAndNameAsTheListShowsIt()
    {
        var sent = SentCreate.For(new ModelRef("Stability-AI", "SDXL", new string('a', 64)), JsonDocument.Parse("{}").RootElement, T0, "0");

        Assert.Equal("stability-ai/sdxl", sent.Model);
    }
}
