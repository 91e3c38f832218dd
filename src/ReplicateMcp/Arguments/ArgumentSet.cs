using System.Text.Json;

namespace ReplicateMcp.Arguments;

/// <summary>The arguments of one tool: its input schema and the reader of a call's arguments both come from here.</summary>
internal sealed class ArgumentSet(params ToolArgument[] arguments)
{
    public IReadOnlyList<ToolArgument> Arguments => arguments;

    /// <summary>The tool's <c>inputSchema</c>: every argument with its bounds, default and description; no others allowed.</summary>
    public JsonElement InputSchema()
    {
        using var document = JsonDocument.Parse(ArgumentSchemas.Object(arguments).ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>Starts reading a call's arguments; names every argument that is not one of these.</summary>
    public ToolArguments Read(IDictionary<string, JsonElement>? given) => new(given, [.. arguments.Select(a => a.Name)]);
}
