using System.Text.Json;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Tests.Predictions;

public sealed class PredictionOutputsTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void FindFiles_NestedOutput_UrlsInDocumentOrder()
    {
        var output = Json("""
            {"images": ["https://replicate.delivery/a.png", {"mask": "http://example.com/m.png"}],
             "caption": "not a url", "video": "https://replicate.delivery/v.mp4", "n": 3, "ftp": "ftp://x/y"}
            """);

        var (urls, data) = PredictionOutputs.FindFiles(output);

        Assert.Equal(["https://replicate.delivery/a.png", "http://example.com/m.png", "https://replicate.delivery/v.mp4"], urls);
        Assert.Empty(data);
    }

    [Fact]
    public void FindFiles_DataUris_DetectedSeparatelyFromUrls()
    {
        var output = Json("""["data:image/png;base64,iVBORw0KGgo=", "https://replicate.delivery/b.png", "DATA:text/plain,hi"]""");

        var (urls, data) = PredictionOutputs.FindFiles(output);

        Assert.Equal(["https://replicate.delivery/b.png"], urls);
        Assert.Equal(["data:image/png;base64,iVBORw0KGgo=", "DATA:text/plain,hi"], data);
    }

    [Fact]
    public void FindFiles_NullOutput_Empty()
    {
        var (urls, data) = PredictionOutputs.FindFiles(null);

        Assert.Empty(urls);
        Assert.Empty(data);
    }

    [Fact]
    public void Text_TokenArray_ConcatenatedIntoOneElement()
    {
        Assert.Equal(["Hello, world!"], PredictionOutputs.Text(Json("""["Hel", "lo,", " ", "world", "!"]""")));
    }

    [Fact]
    public void Text_SingleString_OneElement()
    {
        Assert.Equal(["A cat on a mat."], PredictionOutputs.Text(Json("\"A cat on a mat.\"")));
    }

    [Theory]
    [InlineData("\"https://replicate.delivery/a.png\"")]
    [InlineData("[\"https://replicate.delivery/a.png\", \"https://replicate.delivery/b.png\"]")]
    [InlineData("\"data:text/plain;base64,aGk=\"")]
    [InlineData("[]")]
    [InlineData("{\"text\": \"hi\"}")]
    [InlineData("42")]
    [InlineData("null")]
    public void Text_FilesOrNonText_Empty(string output)
    {
        Assert.Empty(PredictionOutputs.Text(Json(output)));
    }

    [Fact]
    public void ReplaceDataUris_NestedDataUri_ReplacedByPathRestKept()
    {
        var uri = "data:image/png;base64,iVBORw0KGgo=";
        var output = Json($$"""{"files": ["{{uri}}", "https://replicate.delivery/a.png"], "n": 1}""");

        var replaced = PredictionOutputs.ReplaceDataUris(output, new Dictionary<string, string> { [uri] = "/dl/output-1.png" });

        Assert.Equal("""{"files":["/dl/output-1.png","https://replicate.delivery/a.png"],"n":1}""", replaced!.Value.GetRawText());
    }

    [Fact]
    public void LogsTail_ShortLogs_Unchanged()
    {
        Assert.Equal("line 1\nline 2", PredictionOutputs.LogsTail("line 1\nline 2"));
        Assert.Null(PredictionOutputs.LogsTail(null));
        Assert.Null(PredictionOutputs.LogsTail(""));
    }

    [Fact]
    public void LogsTail_LongLogs_KeepsTheEndWithEllipsis()
    {
        var logs = new string('a', 1000) + "THE END";

        var tail = PredictionOutputs.LogsTail(logs)!;

        Assert.StartsWith("…", tail, StringComparison.Ordinal);
        Assert.EndsWith("THE END", tail, StringComparison.Ordinal);
        Assert.Equal(501, tail.Length);
    }
}
