namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// Where the built server lives. It runs from its own output folder, not the test's: the test folder resolves
/// some Microsoft.Extensions assemblies from ASP.NET's shared framework (WireMock needs it), which the server's
/// runtimeconfig does not name.
/// </summary>
internal static class BuiltServer
{
    public static string DllPath { get; } = Find();

    private static string Find()
    {
        // tests/ReplicateMcp.Tests/bin/<Configuration>/<tfm>/ → src/ReplicateMcp/bin/<Configuration>/<tfm>/ReplicateMcp.dll
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var repo = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repo, "src", "ReplicateMcp", "bin", configuration, tfm, "ReplicateMcp.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The server is not built at {path}; build the solution first.", path);
    }
}
