using ReplicateMcp.Downloads;

namespace ReplicateMcp.Tests.Downloads;

public sealed class DownloadHostPolicyTests
{
    private static DownloadHostPolicy CreateSut(string apiBase, params string[] extraHosts) =>
        new(new DownloadOptions { ApiBaseUrl = new Uri(apiBase), ExtraAllowedHosts = extraHosts });

    [Theory]
    [InlineData("https://replicate.delivery/pbxt/out-0.png", true)]
    [InlineData("https://sub.replicate.delivery/out-0.png", true)]
    [InlineData("https://a.b.replicate.delivery/x", true)]
    [InlineData("https://REPLICATE.Delivery/x", true)]
    [InlineData("https://evilreplicate.delivery/x", false)]
    [InlineData("https://replicate.delivery.evil.com/x", false)]
    [InlineData("https://evil.example/x.png", false)]
    [InlineData("https://api.replicate.com/v1/files/abc", true)]
    [InlineData("https://files.example.com/a.png", true)]
    [InlineData("https://FILES.example.COM/a.png", true)]
    [InlineData("https://sub.files.example.com/a.png", false)]
    [InlineData("https://a.cdn.example.org/x", true)]
    [InlineData("https://a.b.cdn.example.org/x", true)]
    [InlineData("https://cdn.example.org/x", false)]
    [InlineData("https://evilcdn.example.org/x", false)]
    [InlineData("http://replicate.delivery/x", false)]
    [InlineData("http://api.replicate.com/v1/files/abc", false)]
    [InlineData("http://files.example.com/a.png", false)]
    [InlineData("ftp://replicate.delivery/x", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("http://localhost:8080/x.png", false)]
    [InlineData("https://evil.example@replicate.delivery/x", true)]
    [InlineData("https://replicate.delivery@evil.example/x", false)]
    public void IsAllowed_HttpsApiBase_MatchesAllowlist(string url, bool expected) =>
        Assert.Equal(expected, CreateSut("https://api.replicate.com/v1/", "files.example.com", " *.cdn.example.org ", "").IsAllowed(new Uri(url)));

    [Theory]
    [InlineData("http://localhost:5123/x.png", true)]
    [InlineData("http://localhost/x.png", true)]
    [InlineData("https://localhost/x.png", true)]
    [InlineData("http://127.0.0.1/x.png", false)]
    [InlineData("http://replicate.delivery/x", false)]
    [InlineData("https://replicate.delivery/x", true)]
    public void IsAllowed_HttpLoopbackApiBase_AllowsPlainHttpForItsHost(string url, bool expected) =>
        Assert.Equal(expected, CreateSut("http://localhost:5123/v1/").IsAllowed(new Uri(url)));

    [Theory]
    [InlineData("http://api.internal/files/x", true)]
    [InlineData("http://other.internal/files/x", false)]
    public void IsAllowed_HttpNonLoopbackApiBase_AllowsHttpOnlyForApiHost(string url, bool expected) =>
        Assert.Equal(expected, CreateSut("http://api.internal/v1/", "other.internal").IsAllowed(new Uri(url)));

    [Fact]
    public void IsAllowed_LoopbackExtraHostOverHttp_IsAllowed() =>
        Assert.True(CreateSut("https://api.replicate.com/v1/", "127.0.0.1").IsAllowed(new Uri("http://127.0.0.1:9000/x")));

    [Fact]
    public void IsAllowed_RelativeUri_IsRefused() =>
        Assert.False(CreateSut("https://api.replicate.com/v1/").IsAllowed(new Uri("/x.png", UriKind.Relative)));
}
