using System.Text.Json;
using ReplicateMcp.Predictions;
using ReplicateMcp.Status;

namespace ReplicateMcp.Tests.Status;

public sealed class LeanResultTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>A result as PredictionResultBuilder makes it from <paramref name="output"/> (no downloads).</summary>
    private static PredictionResult Built(string output, string status = "succeeded", string? logs = null) => new()
    {
        PredictionId = "p1",
        Status = status,
        Urls = PredictionOutputs.FindFiles(Json(output)).Urls,
        TextOutput = PredictionOutputs.Text(Json(output)),
        Output = Json(output),
        LogsTail = logs,
    };

    [Theory]
    [InlineData("""["https://replicate.delivery/a/out-0.webp", "https://replicate.delivery/b/out-1.webp"]""")]
    [InlineData("\"https://replicate.delivery/a/out-0.mp4\"")]
    [InlineData("""["Once", " upon", " a", " time"]""")]
    [InlineData("\"A cat on a mat.\"")]
    public void Of_OutputThatUrlsOrTextOutputShow_IsNull(string output)
    {
        var raw = Built(output);

        var lean = LeanResult.Of(raw, "p1")!;

        Assert.Null(lean.Output);
        Assert.Equal(raw.Urls, lean.Urls);
        Assert.Equal(raw.TextOutput, lean.TextOutput);
    }

    [Theory]
    [InlineData("""{"image": "https://replicate.delivery/a/out.png", "caption": "a fox"}""")]
    [InlineData("""["https://replicate.delivery/a/out.png", "a caption"]""")]
    [InlineData("42")]
    [InlineData("[]")]
    public void Of_OutputThatSaysMore_IsKept(string output)
    {
        var lean = LeanResult.Of(Built(output), "p1")!;

        Assert.Equal(Json(output).GetRawText(), lean.Output!.Value.GetRawText());
    }

    [Fact]
    public void Of_DataUriReplacedByItsFile_OutputKept()
    {
        const string uri = "data:image/png;base64,iVBORw0KGgo=";
        var raw = Built($"""["{uri}"]""") with
        {
            LocalPaths = ["/dl/job/0/output-0.png"],
            Output = PredictionOutputs.ReplaceDataUris(Json($"""["{uri}"]"""), new Dictionary<string, string> { [uri] = "/dl/job/0/output-0.png" }),
        };

        var lean = LeanResult.Of(raw, "p1")!;

        Assert.Equal("""["/dl/job/0/output-0.png"]""", lean.Output!.Value.GetRawText());
    }

    [Fact]
    public void Of_Succeeded_LogsTailNull()
    {
        var lean = LeanResult.Of(Built("\"hi\"", logs: "step 1\nstep 2"), "p1")!;

        Assert.Null(lean.LogsTail);
    }

    [Fact]
    public void Of_Failed_LogsTailReadable()
    {
        var lean = LeanResult.Of(Built("null", status: "failed", logs: "loading\r  0%|   | 0/4\r100%|###| 4/4\nRuntimeError: CUDA out of memory\n"), "p1")!;

        Assert.Equal("100%|###| 4/4\nRuntimeError: CUDA out of memory", lean.LogsTail);
    }

    [Fact]
    public void Of_PredictionIdOfItsItem_NullInsideTheResult()
    {
        var raw = Built("\"hi\"");

        Assert.Null(LeanResult.Of(raw, "p1")!.PredictionId);
        Assert.Equal("p1", LeanResult.Of(raw, "other")!.PredictionId);
        Assert.Equal("p1", raw.PredictionId); // the stored result keeps it
    }

    [Fact]
    public void Of_NoResult_Null() => Assert.Null(LeanResult.Of(null, "p1"));
}
