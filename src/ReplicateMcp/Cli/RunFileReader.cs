using System.Text.Json;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Cli;

/// <summary>Reads a <c>run</c> file: the arguments of a start tool, a pipeline when it has <c>steps</c>, a batch when it has <c>items</c>.</summary>
internal static class RunFileReader
{
    /// <summary>Returns the spec, or null with <paramref name="problem"/> saying what is wrong (the tool's own text for bad arguments).</summary>
    public static JobSpec? Read(string path, out string? problem)
    {
        if (RunFileText.Read(path, out problem) is not { } text) return null;

        Dictionary<string, JsonElement> arguments;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"{path}: the file holds {DisplayText.Value(document.RootElement)}; expected an object with \"items\" (a batch) or \"steps\" (a pipeline).";
                return null;
            }
            arguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!arguments.TryAdd(property.Name, property.Value.Clone()))
                {
                    problem = $"{path}: {DisplayText.Quote(property.Name)} appears twice.";
                    return null;
                }
            }
        }
        catch (JsonException ex)
        {
            problem = $"{path}: {JsonSyntaxMessage.Describe(text, ex)}";
            return null;
        }

        try
        {
            if (arguments.ContainsKey("steps")) return JobSpecReader.ReadPipeline(arguments);
            if (arguments.ContainsKey("items")) return JobSpecReader.ReadBatch(arguments);
        }
        catch (ArgumentProblemsException ex)
        {
            problem = ex.Message;
            return null;
        }

        var keys = arguments.Count == 0 ? "it is empty" : "its keys are " + string.Join(", ", arguments.Keys.Select(k => DisplayText.Quote(k)));
        problem = $"{path}: a batch file has \"items\" and a pipeline file has \"steps\"; {keys}.";
        return null;
    }
}
