using System.Text.Json.Nodes;
using ReplicateMcp.Schemas;

namespace ReplicateMcp.Tests.Schemas;

public sealed class MessageTextTests
{
    [Fact]
    public void QuotedString_ExactlyAtLimit_IsNotCut()
    {
        var text = new string('x', MessageText.MaxEchoedChars);

        Assert.Equal($"\"{text}\"", MessageText.QuotedString(text));
    }

    [Fact]
    public void QuotedString_CutInsideSurrogatePair_KeepsThePairWhole()
    {
        var text = new string('x', MessageText.MaxEchoedChars - 1) + "😀tail";

        Assert.Equal($"\"{new string('x', MessageText.MaxEchoedChars - 1)}…\"", MessageText.QuotedString(text));
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("1.50", "1.50")]
    [InlineData("null", "null")]
    [InlineData("[]", "array of 0")]
    [InlineData("""{ "a": 1, "b": 2 }""", "object of 2 properties")]
    public void Value_NonStrings_AreRenderedAsJsonOrSize(string json, string expected)
    {
        Assert.Equal(expected, MessageText.Value(JsonNode.Parse(json)));
    }

    [Fact]
    public void Value_CreatedInCode_IsRenderedLikeParsed()
    {
        Assert.Equal("\"a\\u0000b\"", MessageText.Value(JsonValue.Create("a\0b")));
        Assert.Equal("2.5", MessageText.Value(JsonValue.Create(2.5)));
    }

    [Theory]
    [InlineData("Short.", "Short.")]
    [InlineData("  Two\n\nlines\t here ", "Two lines here")]
    [InlineData("123456789 123456789 123456789 123456789 123456789 1234567890 rest", "123456789 123456789 123456789 123456789 123456789 1234567890…")]
    [InlineData("123456789 123456789 123456789 123456789 123456789 123456789, rest", "123456789 123456789 123456789 123456789 123456789 123456789…")]
    [InlineData("", null)]
    [InlineData(" \n", null)]
    public void ShortDescription_Text_CollapsesAndCuts(string description, string? expected)
    {
        Assert.Equal(expected, MessageText.ShortDescription(description));
    }

    [Theory]
    [InlineData("prompt", "p.prompt")]
    [InlineData("_x9", "p._x9")]
    [InlineData("9x", "p[\"9x\"]")]
    [InlineData("a.b", "p[\"a.b\"]")]
    [InlineData("", "p[\"\"]")]
    public void Member_Name_AppendsDottedOrQuoted(string name, string expected)
    {
        Assert.Equal(expected, MessageText.Member("p", name));
    }
}
