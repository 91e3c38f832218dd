using System.Text.Json;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.LocalFiles;

public sealed class LocalFileInputsTests : IDisposable
{
    private readonly TempDirectory _allowed = new();
    private readonly TempDirectory _outside = new();

    public void Dispose()
    {
        _allowed.Dispose();
        _outside.Dispose();
    }

    private static readonly IReadOnlySet<string> ImageIsFile = new HashSet<string> { "image", "images" };

    private LocalFileScan Scan(object input, IReadOnlySet<string>? fileProperties = null, Func<string, bool>? leaveAlone = null) =>
        LocalFileInputs.Scan(JsonSerializer.SerializeToElement(input), "items[3].input", fileProperties ?? ImageIsFile,
            new AllowedFolders([_allowed.Path], 1000), leaveAlone);

    private string Write(string root, string name, int bytes = 10)
    {
        var path = Path.Combine(root, name);
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    [Fact]
    public void Scan_FileProperty_TakesAllowedFileWithItsLocation()
    {
        var path = Write(_allowed.Path, "a.png");

        var scan = Scan(new { image = path, prompt = "remove the background" });

        Assert.Empty(scan.Problems);
        var file = Assert.Single(scan.Files);
        Assert.Equal(("items[3].input.image", path), (file.JsonPath, file.Given));
        Assert.Equal(["image"], file.Location);
    }

    [Fact]
    public void Scan_FileProperty_RemoteValuesStayAsTheyAre()
    {
        var scan = Scan(new { image = "https://example.com/a.png", images = new[] { "data:image/png;base64,AAAA", "http://x/y.png" } });

        Assert.Same(LocalFileScan.Empty, scan);
    }

    [Fact]
    public void Scan_FileProperty_AnythingElseIsRefused()
    {
        var scan = Scan(new { image = "a.png" });

        Assert.Equal(["items[3].input.image: 'a.png' is not a file this model input can take: give an http(s) URL, a data: URI, or a local file as an absolute path, ~/… or a file:// URI."],
            scan.Problems);
    }

    [Fact]
    public void Scan_AllProblemsAtOnce_InInputOrderWithPaths()
    {
        var hidden = Write(_allowed.Path, ".h.png");
        var big = Write(_allowed.Path, "big.png", 2000);
        var outside = Path.Combine(_outside.Path, "o.png");

        var scan = Scan(new { images = new[] { hidden, big }, image = outside, extra = new { mask = new Uri(Path.Combine(_allowed.Path, "none.png")).AbsoluteUri } });

        Assert.Collection(scan.Problems,
            p => Assert.StartsWith($"items[3].input.images[0]: '{hidden}' is hidden", p, StringComparison.Ordinal),
            p => Assert.StartsWith($"items[3].input.images[1]: '{big}' is 2000 bytes", p, StringComparison.Ordinal),
            p => Assert.StartsWith($"items[3].input.image: '{outside}' is outside the allowed folders", p, StringComparison.Ordinal),
            p => Assert.EndsWith("none.png' does not exist.", p, StringComparison.Ordinal));
        Assert.Empty(scan.Files);
    }

    [Fact]
    public void Scan_ElsewhereAbsolutePathOfAllowedFile_IsAFile()
    {
        var path = Write(_allowed.Path, "b.png");

        var scan = Scan(new { settings = new { reference = new[] { "text", path } } });

        var file = Assert.Single(scan.Files);
        Assert.Equal("items[3].input.settings.reference[1]", file.JsonPath);
        Assert.Equal(["settings", "reference", 1], file.Location);
    }

    [Fact]
    public void Scan_ElsewhereTextThatLooksLikeAPath_StaysText_AndOutsideNeverShowsExistence()
    {
        var existingOutside = Write(_outside.Path, "o.png");

        var scan = Scan(new
        {
            prompt = "/imagine a cat",
            a = existingOutside,
            b = Path.Combine(_outside.Path, "missing.png"),
            c = Path.Combine(_allowed.Path, "missing.png"),
            d = "~/not-there-for-sure-8c1f.png",
        });

        Assert.Same(LocalFileScan.Empty, scan);
    }

    [Fact]
    public void Scan_ElsewhereFileUri_IsAlwaysAFile()
    {
        var scan = Scan(new { other = new Uri(Path.Combine(_outside.Path, "o.png")).AbsoluteUri });

        Assert.Contains("is outside the allowed folders", Assert.Single(scan.Problems), StringComparison.Ordinal);
        Assert.StartsWith("items[3].input.other: 'file://", scan.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_LeaveAlone_SkipsTemplates()
    {
        var scan = Scan(new { image = "$gen.local_paths[0]" }, leaveAlone: s => s.StartsWith('$'));

        Assert.Same(LocalFileScan.Empty, scan);
    }

    [Fact]
    public void FileInputProperties_FromCogSchema_FindsUriAndArraysOfUri()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","properties":{
              "image":{"type":"string","format":"uri","title":"Image"},
              "images":{"type":"array","items":{"type":"string","format":"uri"}},
              "prompt":{"type":"string"},
              "scale":{"type":"number"}}}
            """).RootElement;

        Assert.Equal(["image", "images"], FileInputProperties.FromInputSchema(schema).Order());
        Assert.Empty(FileInputProperties.FromInputSchema(null));
    }
}
