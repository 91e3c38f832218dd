using ReplicateMcp.Schemas;

namespace ReplicateMcp.Tests.Schemas;

public sealed class NameSuggestionTests
{
    [Theory]
    [InlineData("prompt", "prompt", 0)]
    [InlineData("promt", "prompt", 1)]
    [InlineData("pormpt", "prompt", 1)]
    [InlineData("prompts", "prompt", 1)]
    [InlineData("seed", "steps", 3)]
    [InlineData("", "abc", 3)]
    public void Distance_Pairs_CountsEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, NameSuggestion.Distance(a, b));
        Assert.Equal(expected, NameSuggestion.Distance(b, a));
    }

    [Fact]
    public void Closest_SeveralWithinReach_PicksTheNearestThenTheFirst()
    {
        Assert.Equal("width", NameSuggestion.Closest("widht", ["height", "width", "widths"]));
        Assert.Equal("seed", NameSuggestion.Closest("sed", ["seed", "set"]));
    }

    [Theory]
    [InlineData("xy")]
    [InlineData("guidance_scale_value")]
    [InlineData("q")]
    public void Closest_NothingWithinTwoEdits_ReturnsNull(string given)
    {
        Assert.Null(NameSuggestion.Closest(given, ["prompt", "guidance", "ab"]));
    }
}
