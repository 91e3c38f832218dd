namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// The built server for tests that start it as a process. WireMock brings ASP.NET Core's shared framework into the
/// test output, so some Microsoft.Extensions assemblies are not copied there and ReplicateMcp.dll cannot start from
/// it; the test project copies the server's own build output, with its deps and runtimeconfig, to <c>server/</c>.
/// </summary>
internal static class BuiltServer
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "server", "ReplicateMcp.dll");
}
