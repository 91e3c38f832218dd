using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ReplicateMcp.Mcp;

/// <summary>
/// The job view (contract §11): one self-contained HTML document built from src/view and embedded in the assembly,
/// served by resources/read as an MCP Apps view. It needs no network: its CSP declares no domain.
/// </summary>
internal sealed class JobViewResource : McpServerResource
{
    public const string Uri = "ui://replicate-mcp/job-view.html";
    public const string MimeType = "text/html;profile=mcp-app";
    private const string EmbeddedName = "ReplicateMcp.JobView.html";

    private static readonly Lazy<string> Html = new(ReadEmbedded);

    public override ResourceTemplate ProtocolResourceTemplate { get; } = new()
    {
        UriTemplate = Uri,
        Name = "job-view",
        Title = "Replicate job view",
        MimeType = MimeType,
    };

    public override Resource ProtocolResource { get; } = new()
    {
        Uri = Uri,
        Name = "job-view",
        Title = "Replicate job view",
        Description = "A live view of a batch or pipeline (MCP Apps): thumbnails as predictions finish, Cancel and Retry.",
        MimeType = MimeType,
        Meta = UiMeta(),
    };

    public override IReadOnlyList<object> Metadata { get; } = [];

    public override bool IsMatch(string uri) => string.Equals(uri, Uri, StringComparison.Ordinal);

    public override ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = Uri, MimeType = MimeType, Text = Html.Value, Meta = UiMeta() }],
        });

    /// <summary>The document as built; the build fails without it (ReplicateMcp.csproj embeds it).</summary>
    public static string ReadEmbedded()
    {
        using var stream = typeof(JobViewResource).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"The embedded resource {EmbeddedName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Nothing from the network (empty CSP lists); a border, since the view has no frame of its own.</summary>
    private static JsonObject UiMeta() => new()
    {
        ["ui"] = new JsonObject
        {
            ["csp"] = new JsonObject { ["connectDomains"] = new JsonArray(), ["resourceDomains"] = new JsonArray() },
            ["prefersBorder"] = true,
        },
    };
}
