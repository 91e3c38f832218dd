using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Tests.Messages;

public sealed class DisplayTextTests
{
    [Fact]
    public void Quote_ControlCharacters_AreEscapedJsonStyle()
    {
        Assert.Equal("\"a\\nb\\t\\\"c\\\\\\u001B\"", DisplayText.Quote("a\nb\t\"c\\\u001b"));
    }

    [Fact]
    public void Quote_FormatCharacters_AreEscaped()
    {
        Assert.Equal("\"a\\u202Eb\\u200Bc\"", DisplayText.Quote("a\u202Eb\u200Bc"));
    }

    [Fact]
    public void Quote_LongValue_IsTruncatedWithEllipsis()
    {
        var quoted = DisplayText.Quote(new string('x', 500));

        Assert.Equal("\"" + new string('x', 80) + "…\"", quoted);
    }

    [Fact]
    public void Quote_ExactlyAtLimit_IsNotCut()
    {
        var text = new string('x', DisplayText.MaxLength);

        Assert.Equal($"\"{text}\"", DisplayText.Quote(text));
    }

    [Fact]
    public void Quote_CutInsideSurrogatePair_KeepsThePairWhole()
    {
        var text = new string('x', DisplayText.MaxLength - 1) + "😀tail";

        Assert.Equal($"\"{new string('x', DisplayText.MaxLength - 1)}…\"", DisplayText.Quote(text));
    }

    [Fact]
    public void Quote_Null_IsNullWord() => Assert.Equal("null", DisplayText.Quote(null));

    [Theory]
    [InlineData("true", "true")]
    [InlineData("1.50", "1.50")]
    [InlineData("null", "null")]
    [InlineData("\"a\\nb\"", "\"a\\nb\"")]
    [InlineData("[]", "an array of 0")]
    [InlineData("{}", "an empty object")]
    [InlineData("""{ "a": 1, "b": 2 }""", "an object (keys: a, b)")]
    public void Value_NodeAndElement_ReadTheSame(string json, string expected)
    {
        Assert.Equal(expected, DisplayText.Value(JsonNode.Parse(json)));
        using var document = JsonDocument.Parse(json);
        Assert.Equal(expected, DisplayText.Value(document.RootElement));
    }

    [Fact]
    public void Value_CreatedInCode_IsRenderedLikeParsed()
    {
        Assert.Equal("\"a\\u0000b\"", DisplayText.Value(JsonValue.Create("a\0b")));
        Assert.Equal("2.5", DisplayText.Value(JsonValue.Create(2.5)));
    }
}
