using ReplicateMcp.Schemas;

namespace ReplicateMcp.Tests.Schemas;

public sealed class SchemaDescriptionTests
{
    [Theory]
    [InlineData("Short.", "Short.")]
    [InlineData("  Two\n\nlines\t here ", "Two lines here")]
    [InlineData("123456789 123456789 123456789 123456789 123456789 1234567890 rest", "123456789 123456789 123456789 123456789 123456789 1234567890…")]
    [InlineData("123456789 123456789 123456789 123456789 123456789 123456789, rest", "123456789 123456789 123456789 123456789 123456789 123456789…")]
    [InlineData("", null)]
    [InlineData(" \n", null)]
    public void Short_Text_CollapsesAndCuts(string description, string? expected)
    {
        Assert.Equal(expected, SchemaDescription.Short(description));
    }
}
