using ReplicateMcp.Downloads;

namespace ReplicateMcp.Tests.Downloads;

public sealed class OutputFileExtensionTests
{
    [Theory]
    [InlineData("https://replicate.delivery/x/out-0.png", ".png")]
    [InlineData("https://replicate.delivery/x/OUT.JPEG?sig=1", ".jpeg")]
    [InlineData("https://replicate.delivery/x/archive.tar.gz", ".gz")]
    [InlineData("https://replicate.delivery/x/noext", null)]
    [InlineData("https://replicate.delivery/x.dir/noext", null)]
    [InlineData("https://replicate.delivery/x/file.toolongext", null)]
    [InlineData("https://replicate.delivery/x/file.p-g", null)]
    [InlineData("https://replicate.delivery/x/file.", null)]
    [InlineData("https://replicate.delivery/", null)]
    public void FromUrl_LastPathSegment_GivesSafeLowercaseExtension(string url, string? expected) =>
        Assert.Equal(expected, OutputFileExtension.FromUrl(new Uri(url)));

    [Theory]
    [InlineData("image/png", ".png")]
    [InlineData("image/jpeg", ".jpg")]
    [InlineData("IMAGE/WEBP", ".webp")]
    [InlineData("video/mp4", ".mp4")]
    [InlineData("audio/wav", ".wav")]
    [InlineData("audio/mpeg", ".mp3")]
    [InlineData("text/plain; charset=utf-8", ".txt")]
    [InlineData("application/json", ".json")]
    [InlineData("application/octet-stream", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FromMediaType_KnownAndUnknown_MapsOrReturnsNull(string? mediaType, string? expected) =>
        Assert.Equal(expected, OutputFileExtension.FromMediaType(mediaType));
}
