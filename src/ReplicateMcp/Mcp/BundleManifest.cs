using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ReplicateMcp.Mcp;

/// <summary>
/// The manifest.json of an MCP Bundle (.mcpb) that holds this very executable: the committed template
/// (src/ReplicateMcp/.mcpb/manifest.json) with the version, entry point, platform and tools filled in at pack time,
/// so the bundle's tool list is always the server's own (docs/bundle.md).
/// </summary>
internal static class BundleManifest
{
    /// <summary>Writes the manifest for this executable to <paramref name="output"/>; 2, with one line on <paramref name="errors"/>, when the template cannot be read.</summary>
    public static int Write(string templatePath, TextWriter output, TextWriter errors)
    {
        JsonObject template;
        try
        {
            template = JsonNode.Parse(File.ReadAllText(templatePath)) as JsonObject
                ?? throw new JsonException("the file does not hold a JSON object");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            errors.WriteLine($"replicate-mcp: cannot read the bundle manifest template '{templatePath}': {ex.Message}");
            return 2;
        }
        var executable = typeof(BundleManifest).Assembly.GetName().Name + (OperatingSystem.IsWindows() ? ".exe" : "");
        var manifest = Fill(template, ServerTools(), Hosting.AppInfo.Version, executable, CurrentPlatform());
        output.WriteLine(ToText(manifest));
        return 0;
    }

    /// <summary>Every tool the MCP server registers, wherever it is defined: what <c>tools/list</c> answers from.</summary>
    private static List<Tool> ServerTools()
    {
        var services = new ServiceCollection();
        services.AddReplicateMcpServer();
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<McpServerTool>().Select(t => t.ProtocolTool)];
    }

    public static JsonObject Fill(JsonObject template, IEnumerable<Tool> tools, string version, string executable, string platform)
    {
        var manifest = template.DeepClone().AsObject();
        manifest["version"] = version;
        var server = manifest["server"] as JsonObject ?? throw new ArgumentException("The template has no \"server\" object.", nameof(template));
        server["entry_point"] = executable;
        (server["mcp_config"] as JsonObject ?? throw new ArgumentException("The template has no \"server.mcp_config\" object.", nameof(template)))
            ["command"] = "${__dirname}/" + executable;
        manifest["compatibility"] = new JsonObject { ["platforms"] = new JsonArray(platform) };
        manifest["tools"] = new JsonArray([.. tools.Where(IsForModels).Select(t => new JsonObject { ["name"] = t.Name, ["description"] = t.Description })]);
        return manifest;
    }

    /// <summary>False for a tool only an MCP Apps view calls (<c>_meta.ui.visibility</c> without "model"): a model never sees it.</summary>
    public static bool IsForModels(Tool tool) =>
        tool.Meta?["ui"]?["visibility"] is not JsonArray visibility
        || visibility.Any(v => v is JsonValue value && value.TryGetValue<string>(out var text) && text == "model");

    /// <summary>The platform names of the manifest (Node's <c>process.platform</c>).</summary>
    public static string CurrentPlatform() =>
        OperatingSystem.IsWindows() ? "win32" : OperatingSystem.IsMacOS() ? "darwin" : "linux";

    public static string ToText(JsonObject manifest)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            manifest.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
