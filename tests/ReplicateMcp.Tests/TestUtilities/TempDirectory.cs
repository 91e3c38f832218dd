namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>A fresh temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("replicate-mcp-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a child process may still hold a file for a moment; the OS cleans temp
    }
}
