using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Hosting;
using ReplicateMcp.Mcp;
using ReplicateMcp.Tests.Cli;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Mcp;

/// <summary>The MCP Bundle's manifest.json (CONTRACT §12): written by the server itself at pack time, so its tools are the server's.</summary>
public sealed class BundleManifestTests
{
    private static readonly string TemplatePath = Path.Combine(AppContext.BaseDirectory, "packaging", "manifest.json");

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private static JsonObject Template() => JsonNode.Parse(File.ReadAllText(TemplatePath))!.AsObject();

    private static Tool NamedTool(string name, JsonObject? meta = null) =>
        new() { Name = name, Description = $"what {name} does", InputSchema = JsonDocument.Parse("""{"type":"object"}""").RootElement, Meta = meta };

    [Fact]
    public async Task BundleManifestSwitch_ListsExactlyTheToolsTheServerListsToModels()
    {
        using var cli = new CliProcess();
        var result = await cli.RunAsync("--bundle-manifest", TemplatePath);
        Assert.True(result.ExitCode == 0, result.ToString());
        var manifest = JsonNode.Parse(result.Stdout)!.AsObject();

        await using var mcp = await McpToolsHarness.StartAsync();
        var listed = await mcp.Client.ListToolsAsync(cancellationToken: CT);

        var expected = listed.Select(t => t.ProtocolTool).Where(BundleManifest.IsForModels).Select(t => (t.Name, t.Description));
        var inManifest = manifest["tools"]!.AsArray().Select(t => (t!["name"]!.GetValue<string>(), (string?)t["description"]!.GetValue<string>()));
        Assert.Equal(expected, inManifest);
        Assert.NotEmpty(inManifest);
        Assert.Equal(AppInfo.Version, manifest["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task BundleManifestSwitch_MissingTemplate_ExitsTwoNamingIt()
    {
        using var cli = new CliProcess();
        var missing = Path.Combine(cli.Root, "no-such-manifest.json");

        var result = await cli.RunAsync("--bundle-manifest", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains($"cannot read the bundle manifest template '{missing}'", result.Stderr);
    }

    [Fact]
    public void Fill_ToolOnlyAViewCalls_IsLeftOut()
    {
        var tools = new[]
        {
            NamedTool("plain"),
            NamedTool("view_only", new JsonObject { ["ui"] = new JsonObject { ["visibility"] = new JsonArray("app") } }),
            NamedTool("both", new JsonObject { ["ui"] = new JsonObject { ["visibility"] = new JsonArray("model", "app") } }),
            NamedTool("with_view", new JsonObject { ["ui"] = new JsonObject { ["resourceUri"] = "ui://replicate-mcp/job" } }),
        };

        var manifest = BundleManifest.Fill(Template(), tools, "1.2.3", "ReplicateMcp", "linux");

        Assert.Equal(["plain", "both", "with_view"], manifest["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal("what plain does", manifest["tools"]![0]!["description"]!.GetValue<string>());
    }

    [Fact]
    public void Fill_SetsVersionEntryPointCommandAndPlatform()
    {
        var manifest = BundleManifest.Fill(Template(), [], "1.2.3", "ReplicateMcp.exe", "win32");

        Assert.Equal("1.2.3", manifest["version"]!.GetValue<string>());
        Assert.Equal("binary", manifest["server"]!["type"]!.GetValue<string>());
        Assert.Equal("ReplicateMcp.exe", manifest["server"]!["entry_point"]!.GetValue<string>());
        Assert.Equal("${__dirname}/ReplicateMcp.exe", manifest["server"]!["mcp_config"]!["command"]!.GetValue<string>());
        Assert.Equal(["win32"], manifest["compatibility"]!["platforms"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public void Template_EverySettingOfTheFormReachesAVariableOrFlagOfTheServer()
    {
        var template = Template();
        var config = template["server"]!["mcp_config"]!;
        var userConfig = template["user_config"]!.AsObject();
        var env = config["env"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var args = config["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

        Assert.All(env.Keys, variable => Assert.Contains(variable, AppSettings.All.Select(s => s.Variable)));
        Assert.Equal("${user_config.api_token}", env["REPLICATE_API_TOKEN"]);
        Assert.Equal("${user_config.download_dir}", env["REPLICATE_DOWNLOAD_DIR"]);
        Assert.Equal("${user_config.max_concurrency}", env["REPLICATE_MCP_MAX_CONCURRENCY"]);
        // A multiple-folder setting can only be expanded into separate arguments, not into one variable.
        Assert.Equal(["--input-dirs", "${user_config.input_dirs}"], args);
        var used = env.Values.Concat(args).Where(v => v.StartsWith("${user_config.", StringComparison.Ordinal)).Select(v => v[14..^1]);
        Assert.Equal(userConfig.Select(p => p.Key).Order(), used.Order());

        Assert.True(userConfig["api_token"]!["sensitive"]!.GetValue<bool>());
        Assert.Equal("directory", userConfig["download_dir"]!["type"]!.GetValue<string>());
        Assert.Equal("directory", userConfig["input_dirs"]!["type"]!.GetValue<string>());
        Assert.True(userConfig["input_dirs"]!["multiple"]!.GetValue<bool>());
        Assert.Equal("number", userConfig["max_concurrency"]!["type"]!.GetValue<string>());
        Assert.Equal(1, userConfig["max_concurrency"]!["min"]!.GetValue<int>());
        Assert.Equal(500, userConfig["max_concurrency"]!["max"]!.GetValue<int>());
        // Defaults that mean "the server's default", so Claude Desktop never passes an unfilled placeholder.
        Assert.Equal("", userConfig["download_dir"]!["default"]!.GetValue<string>());
        Assert.Empty(userConfig["input_dirs"]!["default"]!.AsArray());
    }
}
