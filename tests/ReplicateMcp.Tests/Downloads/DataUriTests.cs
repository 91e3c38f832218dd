using System.Text;
using ReplicateMcp.Downloads;

namespace ReplicateMcp.Tests.Downloads;

public sealed class DataUriTests
{
    [Fact]
    public void TryParse_Base64_DecodesBytesAndMediaType()
    {
        var data = DataUri.TryParse("data:image/png;base64,AAEC/w==");

        Assert.NotNull(data);
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, data.Bytes);
    }

    [Fact]
    public void TryParse_PercentEncoded_DecodesRawBytes()
    {
        var data = DataUri.TryParse("data:text/plain;charset=utf-8,h%C3%A9llo%20w%FFrld");

        Assert.NotNull(data);
        Assert.Equal("text/plain", data.MediaType);
        Assert.Equal([.. Encoding.UTF8.GetBytes("h\u00e9llo w"), 0xFF, .. "rld"u8.ToArray()], data.Bytes);
    }

    [Fact]
    public void TryParse_NoMediaType_DefaultsToTextPlain() =>
        Assert.Equal("text/plain", DataUri.TryParse("data:,hi")?.MediaType);

    [Theory]
    [InlineData("data:image/png;base64")]
    [InlineData("data:image/png;base64,@@@")]
    [InlineData("data:text/plain,bad%2")]
    [InlineData("https://replicate.delivery/x.png")]
    public void TryParse_Malformed_ReturnsNull(string source) => Assert.Null(DataUri.TryParse(source));
}
