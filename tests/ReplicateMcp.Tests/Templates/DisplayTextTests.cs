using ReplicateMcp.Templates;

namespace ReplicateMcp.Tests.Templates;

public sealed class DisplayTextTests
{
    [Fact]
    public void Quote_ControlCharacters_AreEscapedJsonStyle()
    {
        Assert.Equal("\"a\\nb\\t\\\"c\\\\\\u001b\"", DisplayText.Quote("a\nb\t\"c\\\u001b"));
    }

    [Fact]
    public void Quote_LongValue_IsTruncatedWithEllipsis()
    {
        var quoted = DisplayText.Quote(new string('x', 500));

        Assert.Equal("\"" + new string('x', 80) + "…\"", quoted);
    }

    [Fact]
    public void Quote_Null_IsNullWord() => Assert.Equal("null", DisplayText.Quote(null));
}
