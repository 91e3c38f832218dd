using ReplicateMcp.LocalFiles;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.LocalFiles;

public sealed class AllowedFoldersTests : IDisposable
{
    private readonly TempDirectory _allowed = new();
    private readonly TempDirectory _outside = new();

    public void Dispose()
    {
        _allowed.Dispose();
        _outside.Dispose();
    }

    private AllowedFolders CreateSut(long maxBytes = 1000) => new([_allowed.Path], maxBytes);

    private string Write(string root, string relative, int bytes = 10)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    [Fact]
    public void Check_FileInside_PassesWithSize()
    {
        var path = Write(_allowed.Path, "photos/a.png", 42);

        var check = CreateSut().Check(path);

        Assert.Equal(new CheckedFile(LocalPath.Resolve(path), 42), check.File);
    }

    [Fact]
    public void Check_FileUriAndDotDot_AreResolvedBeforeTheCheck()
    {
        var path = Write(_allowed.Path, "a.png");
        var sut = CreateSut();

        Assert.NotNull(sut.Check(new Uri(path).AbsoluteUri).File);
        Assert.NotNull(sut.Check(Path.Combine(_allowed.Path, "sub", "..", "a.png")).File);
        Assert.Equal(LocalFileRule.OutsideAllowedFolders, sut.Check(Path.Combine(_allowed.Path, "..", Path.GetFileName(_outside.Path), "x.png")).Rule);
    }

    [Fact]
    public void Check_OutsideExistingAndMissing_GiveTheSameMessage()
    {
        var existing = Write(_outside.Path, "secret.png");
        var missing = Path.Combine(_outside.Path, "nothing.png");
        var sut = CreateSut();

        var a = sut.Describe("items[0].input.image", "X", sut.Check(existing));
        var b = sut.Describe("items[0].input.image", "X", sut.Check(missing));

        Assert.Equal(a, b);
        Assert.Equal("items[0].input.image: 'X' is outside the allowed folders: only files in the download folder, in REPLICATE_MCP_INPUT_DIRS or in the client's roots are sent (replicate_list_files shows them).", a);
    }

    [Fact]
    public void Check_LinkInsidePointingOutside_IsOutside()
    {
        var target = Write(_outside.Path, "secret.png");
        var link = Path.Combine(_allowed.Path, "innocent.png");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(LocalFileRule.OutsideAllowedFolders, CreateSut().Check(link).Rule);
    }

    [Fact]
    public void Check_LinkedFolderInside_IsFollowed()
    {
        var target = Write(_outside.Path, "photos/p.png");
        Directory.CreateSymbolicLink(Path.Combine(_allowed.Path, "linked"), Path.Combine(_outside.Path, "photos"));

        Assert.Equal(LocalFileRule.OutsideAllowedFolders, CreateSut().Check(Path.Combine(_allowed.Path, "linked", "p.png")).Rule);
        // The same folder allowed through its link's target: the file is allowed under its real name.
        var both = new AllowedFolders([_allowed.Path, Path.Combine(_outside.Path, "photos")], 1000);
        Assert.Equal(LocalPath.Resolve(target), both.Check(Path.Combine(_allowed.Path, "linked", "p.png")).File?.Path);
    }

    [Theory]
    [InlineData(".env")]
    [InlineData(".git/config")]
    [InlineData("photos/.hidden/a.png")]
    public void Check_HiddenBelowTheFolder_IsRefused(string relative)
    {
        var path = Write(_allowed.Path, relative);

        var sut = CreateSut();
        var check = sut.Check(path);

        Assert.Equal(LocalFileRule.Hidden, check.Rule);
        Assert.Equal($"steps[up].input.image: '{path}' is hidden (a file or folder name starting with '.'): hidden files are never sent.",
            sut.Describe("steps[up].input.image", path, check));
    }

    [Fact]
    public void Check_AllowedFolderBelowAHiddenFolder_ItsFilesAreAllowed()
    {
        var root = Path.Combine(_allowed.Path, ".cache", "inputs");
        var path = Write(root, "a.png");

        Assert.NotNull(new AllowedFolders([root], 1000).Check(path).File);
    }

    [Fact]
    public void Check_LinkWithAHiddenNameToAPlainFile_IsRefused()
    {
        var target = Write(_allowed.Path, "plain.png");
        var link = Path.Combine(_allowed.Path, ".secret.png");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(LocalFileRule.Hidden, CreateSut().Check(link).Rule);
    }

    [Fact]
    public void Check_TooLarge_NamesSizeAndLimit()
    {
        var path = Write(_allowed.Path, "big.png", 1001);

        var sut = CreateSut(maxBytes: 1000);
        var check = sut.Check(path);

        Assert.Equal(LocalFileRule.TooLarge, check.Rule);
        Assert.Equal($"items[1].input.image: '{path}' is 1001 bytes: at most 1000 bytes a file is sent.", sut.Describe("items[1].input.image", path, check));
        Assert.Equal("104857601 bytes (100 MB): at most 104857600 bytes (100 MB) a file is sent.",
            LocalFileMessages.Describe("x", "y", LocalFileRule.TooLarge, 104857601, 104857600)["x: 'y' is ".Length..]);
    }

    [Fact]
    public void Check_MissingInsideFolderAndAFolder_SayWhat()
    {
        var sut = CreateSut();
        Directory.CreateDirectory(Path.Combine(_allowed.Path, "dir"));

        Assert.Equal(LocalFileRule.NotFound, sut.Check(Path.Combine(_allowed.Path, "none.png")).Rule);
        Assert.Equal(LocalFileRule.NotAFile, sut.Check(Path.Combine(_allowed.Path, "dir")).Rule);
        Assert.Equal(LocalFileRule.NotAFile, sut.Check(_allowed.Path).Rule);
        Assert.Equal("a: '/x/none.png' does not exist.", LocalFileMessages.Describe("a", "/x/none.png", LocalFileRule.NotFound));
    }

    [Theory]
    [InlineData("photo.png")]
    [InlineData("./photo.png")]
    [InlineData("file://fileserver/share/photo.png")]
    [InlineData("s3://bucket/photo.png")]
    public void Check_NotALocalPath_IsNotAFileReference(string given)
    {
        Assert.Equal(LocalFileRule.NotAFileReference, CreateSut().Check(given).Rule);
    }

    [Fact]
    public void WithClientRoots_AddsFileRootsOnly()
    {
        var path = Write(_outside.Path, "a.png");

        var sut = CreateSut().WithClientRoots([new Uri(_outside.Path).AbsoluteUri, "https://example.com/"]);

        Assert.NotNull(sut.Check(path).File);
        Assert.Equal(2, sut.Folders.Count);
    }

    [Fact]
    public void Check_HomeRelative_IsExpanded()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Join(home, "photos", "a.png"), LocalPath.ToFullPath("~/photos/a.png"));
    }
}
