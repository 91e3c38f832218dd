using System.Text.Json.Nodes;
using ReplicateMcp.Hosting;

namespace ReplicateMcp.Tests.Mcp;

/// <summary>.mcp/server.json, packed into the NuGet package for the MCP Registry, names this package and version.</summary>
public sealed class ServerJsonTests
{
    private static readonly string Packaging = Path.Combine(AppContext.BaseDirectory, "packaging");

    [Fact]
    public void ServerJson_NamesThisNuGetPackageItsVersionAndItsSettings()
    {
        var server = JsonNode.Parse(File.ReadAllText(Path.Combine(Packaging, "server.json")))!.AsObject();
        var package = Assert.Single(server["packages"]!.AsArray())!;

        var name = server["name"]!.GetValue<string>();
        Assert.Matches(@"^io\.github\.[A-Za-z0-9-]+/[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$", name);
        Assert.InRange(server["description"]!.GetValue<string>().Length, 1, 100); // the registry's limit
        Assert.Equal(AppInfo.Version, server["version"]!.GetValue<string>());
        Assert.Equal("nuget", package["registryType"]!.GetValue<string>());
        Assert.Equal("ReplicateMcp", package["identifier"]!.GetValue<string>());
        Assert.Equal(AppInfo.Version, package["version"]!.GetValue<string>());
        Assert.Equal("stdio", package["transport"]!["type"]!.GetValue<string>());
        Assert.All(package["environmentVariables"]!.AsArray(),
            v => Assert.Contains(v!["name"]!.GetValue<string>(), AppSettings.All.Select(s => s.Variable)));
        // The registry takes a NuGet package as ours only when its README names the server.
        Assert.Contains($"mcp-name: {name}", File.ReadAllText(Path.Combine(Packaging, "README.md")));
    }
}
