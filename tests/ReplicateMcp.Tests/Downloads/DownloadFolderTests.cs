using ReplicateMcp.Downloads;

namespace ReplicateMcp.Tests.Downloads;

public sealed class DownloadFolderTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "replicate-mcp-folder-tests");

    [Theory]
    [InlineData("job1/0")]
    [InlineData("job-1/step_a")]
    [InlineData("predictions/abc123.x")]
    public void Resolve_SafeFolder_StaysUnderDownloadDirectory(string relative)
    {
        var full = DownloadFolder.Resolve(Root, relative);

        Assert.Equal(Path.Combine([Root, .. relative.Split('/')]), full);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("job/../../x")]
    [InlineData("job/..")]
    [InlineData("job/./0")]
    [InlineData("/etc")]
    [InlineData("job//0")]
    [InlineData("job\\0")]
    [InlineData("job/0/")]
    [InlineData("job/a b")]
    [InlineData("job/%2e%2e")]
    [InlineData(" ")]
    public void Resolve_UnsafeFolder_Throws(string relative) =>
        Assert.ThrowsAny<ArgumentException>(() => DownloadFolder.Resolve(Root, relative));
}
