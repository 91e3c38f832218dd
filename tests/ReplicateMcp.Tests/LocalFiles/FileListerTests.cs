using ReplicateMcp.LocalFiles;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.LocalFiles;

public sealed class FileListerTests : IDisposable
{
    private readonly TempDirectory _allowed = new();
    private readonly TempDirectory _outside = new();

    public void Dispose()
    {
        _allowed.Dispose();
        _outside.Dispose();
    }

    private AllowedFolders Folders => new([_allowed.Path], 1_000_000);

    private string Write(string root, string name, int bytes = 10)
    {
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    [Fact]
    public void List_Folder_ListsVisibleFilesSortedWithSizeTimeAndType()
    {
        var b = Write(_allowed.Path, "b.jpg", 5);
        var a = Write(_allowed.Path, "a.png", 7);
        Write(_allowed.Path, ".DS_Store");
        Write(_allowed.Path, "sub/c.png");
        File.SetLastWriteTimeUtc(a, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

        var listing = FileLister.List(Folders, _allowed.Path);

        Assert.Equal([new ListedFile(a, 7, "2026-01-02T03:04:05Z", "image/png"), Assert.Single(listing.Files, f => f.Path == b)], listing.Files);
        Assert.Equal("image/jpeg", listing.Files[1].MimeType);
        Assert.False(listing.Truncated);
    }

    [Fact]
    public void List_PatternAndLimit_MatchCaseInsensitivelyAndTruncate()
    {
        for (var i = 0; i < 5; i++) Write(_allowed.Path, $"p{i}.PNG");
        Write(_allowed.Path, "notes.txt");

        var listing = FileLister.List(Folders, _allowed.Path, "*.png", 3);

        Assert.Equal(["p0.PNG", "p1.PNG", "p2.PNG"], listing.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.True(listing.Truncated);
    }

    [Fact]
    public void List_LinkLeadingOut_IsSkipped()
    {
        var target = Write(_outside.Path, "secret.png");
        File.CreateSymbolicLink(Path.Combine(_allowed.Path, "link.png"), target);

        Assert.Empty(FileLister.List(Folders, _allowed.Path).Files);
    }

    [Fact]
    public void List_FolderOutside_SameRefusalWhetherItExistsOrNot()
    {
        var existing = Assert.Throws<LocalFileRefusedException>(() => FileLister.List(Folders, _outside.Path)).Message;
        var missing = Assert.Throws<LocalFileRefusedException>(() => FileLister.List(Folders, Path.Combine(_outside.Path, "nope"))).Message;

        Assert.Equal(existing.Replace(_outside.Path, "X", StringComparison.Ordinal), missing.Replace(Path.Combine(_outside.Path, "nope"), "X", StringComparison.Ordinal));
        Assert.Equal($"folder: '{_outside.Path}' is outside the allowed folders: only files in the download folder, in REPLICATE_MCP_INPUT_DIRS or in the client's roots are sent (replicate_list_files shows them).", existing);
    }

    [Fact]
    public void List_HiddenFolderInside_IsRefused()
    {
        Write(_allowed.Path, ".git/x");

        var message = Assert.Throws<LocalFileRefusedException>(() => FileLister.List(Folders, Path.Combine(_allowed.Path, ".git"))).Message;

        Assert.Contains("is hidden", message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_NoFolder_NamesTheAllowedFolders()
    {
        var listing = FileLister.List(Folders, null);

        Assert.Equal([LocalPath.Resolve(_allowed.Path)], listing.AllowedFolders);
        Assert.Empty(listing.Files);
    }

    [Fact]
    public void List_LimitOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FileLister.List(Folders, _allowed.Path, "*", 501));
        Assert.Throws<ArgumentOutOfRangeException>(() => FileLister.List(Folders, _allowed.Path, "*", 0));
    }
}
