using System.Text.Json.Nodes;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>The real Replicate bodies in <c>ApiSamples/</c>, by their number prefix ("03") or error key.</summary>
internal static class ApiSamples
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "ApiSamples");

    /// <summary>The raw text of sample <paramref name="number"/>, e.g. "02".</summary>
    public static string Text(string number) =>
        File.ReadAllText(Directory.GetFiles(Folder, number + "-*.json").Single());

    /// <summary>A fresh, editable copy of sample <paramref name="number"/>.</summary>
    public static JsonObject Object(string number) => JsonNode.Parse(Text(number))!.AsObject();

    /// <summary>One error body of 08, e.g. "422_input_validation".</summary>
    public static JsonObject Error(string key) => Object("08")[key]!.DeepClone().AsObject();

    /// <summary>
    /// A prediction sample with its id (and the ids in its <c>urls</c>) replaced, and, when given,
    /// its status and output replaced too.
    /// </summary>
    public static JsonObject Prediction(string number, string id, string? status = null, JsonNode? output = null)
    {
        var body = Object(number);
        var oldId = (string)body["id"]!;
        body["id"] = id;
        if (body["urls"] is JsonObject urls)
        {
            foreach (var key in urls.Select(p => p.Key).ToList())
                urls[key] = ((string)urls[key]!).Replace(oldId, id, StringComparison.Ordinal);
        }

        if (status is not null) body["status"] = status;
        if (output is not null) body["output"] = output;
        return body;
    }
}
