using ReplicateMcp.Messages;

namespace ReplicateMcp.Tests.Messages;

public sealed class JsonPathTests
{
    [Theory]
    [InlineData("prompt", "p.prompt")]
    [InlineData("_x9", "p._x9")]
    [InlineData("seed-2", "p.seed-2")]
    [InlineData("9x", "p[\"9x\"]")]
    [InlineData("a.b", "p[\"a.b\"]")]
    [InlineData("", "p[\"\"]")]
    public void Property_Key_AppendsDottedOrQuoted(string key, string expected)
    {
        Assert.Equal(expected, JsonPath.Property("p", key));
    }

    [Fact]
    public void Property_AtTheRoot_IsTheKeyAlone() => Assert.Equal("prompt", JsonPath.Property("", "prompt"));

    [Theory]
    [InlineData("steps[up].input", "image", "steps[up].input.image")]
    [InlineData("steps[up].input", "[0]", "steps[up].input[0]")]
    [InlineData("input", "", "input")]
    public void Join_PrefixAndRelativePath_ReadsAsOnePath(string prefix, string path, string expected)
    {
        Assert.Equal(expected, JsonPath.Join(prefix, path));
    }
}
