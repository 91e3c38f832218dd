using System.Text.Json.Nodes;
using ReplicateMcp.Schemas;

namespace ReplicateMcp.Tests.Schemas;

public sealed class SchemaInlinerTests
{
    private static JsonObject FluxComponent(string name) =>
        SchemaInliner.Inline(CogSchemas.Document(CogSchemas.FluxLike), name)!;

    private static JsonObject Properties(JsonObject schema) => (JsonObject)schema["properties"]!;

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public void Inline_AllOfRef_MergesTargetUnderPropertyKeywords()
    {
        var aspectRatio = Properties(FluxComponent("Input"))["aspect_ratio"];

        // The property's description wins over the component's "An enumeration."; allOf itself is gone.
        AssertJson("""
            {
              "enum": ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"],
              "type": "string",
              "title": "aspect_ratio",
              "description": "Aspect ratio for the generated image",
              "default": "1:1",
              "x-order": 1
            }
            """, aspectRatio);
    }

    [Fact]
    public void Inline_DirectRef_MergesTargetUnderSiblingKeywords()
    {
        var outputFormat = Properties(FluxComponent("Input"))["output_format"];

        AssertJson("""
            {
              "enum": ["webp", "jpg", "png"],
              "type": "string",
              "title": "output_format",
              "description": "Format of the output images",
              "default": "webp",
              "x-order": 3
            }
            """, outputFormat);
    }

    [Fact]
    public void Inline_PropertyTitle_WinsOverComponentTitle()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": { "mode": { "allOf": [{ "$ref": "#/components/schemas/mode" }], "title": "Mode", "default": "fast" } } },
                "mode": { "enum": ["fast", "slow"], "type": "string", "title": "mode", "description": "An enumeration." } } } }
            """);

        var mode = Properties(SchemaInliner.Inline(document, "Input")!)["mode"];

        AssertJson("""{ "enum": ["fast", "slow"], "type": "string", "title": "Mode", "description": "An enumeration.", "default": "fast" }""", mode);
    }

    [Fact]
    public void Inline_RefInsideArrayItems_IsInlined()
    {
        var input = FluxComponent("Input");
        var output = FluxComponent("Output");

        AssertJson("""{ "enum": ["photo", "anime", "sketch"], "type": "string", "title": "style", "description": "An enumeration." }""",
            Properties(input)["styles"]!["items"]);
        AssertJson("""{ "type": "array", "items": { "type": "string", "format": "uri", "title": "OutputFile" }, "title": "Output" }""", output);
    }

    [Fact]
    public void Inline_RefToObjectComponent_InlinesItsNestedRefsToo()
    {
        var request = FluxComponent("PredictionRequest");

        var input = (JsonObject)Properties(request)["input"]!;
        Assert.Equal("Input", input["title"]!.GetValue<string>());
        Assert.Equal("webp", Properties(input)["output_format"]!["enum"]![0]!.GetValue<string>());
        Assert.DoesNotContain("$ref", request.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("allOf", request.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_WholeFluxInput_LeavesNoRefsAndKeepsUnrelatedKeywords()
    {
        var input = FluxComponent("Input");

        var text = input.ToJsonString();
        Assert.DoesNotContain("$ref", text, StringComparison.Ordinal);
        Assert.DoesNotContain("allOf", text, StringComparison.Ordinal);
        Assert.Equal(["prompt"], input["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        AssertJson("""{ "type": "integer", "title": "Num Outputs", "default": 1, "minimum": 1, "maximum": 4, "x-order": 2, "description": "Number of outputs to generate" }""",
            Properties(input)["num_outputs"]);
        // A multi-branch anyOf is not a ref wrapper: it stays as it is.
        AssertJson("""{ "anyOf": [{ "type": "string" }, { "type": "null" }], "title": "Negative Prompt", "x-order": 11 }""",
            Properties(input)["negative_prompt"]);
    }

    [Theory]
    [InlineData("anyOf")]
    [InlineData("oneOf")]
    public void Inline_SingleBranchCombinator_IsInlined(string keyword)
    {
        var document = CogSchemas.Document($$"""
            { "components": { "schemas": {
                "Input": { "properties": { "mode": { "{{keyword}}": [{ "$ref": "#/components/schemas/mode" }], "x-order": 2 } } },
                "mode": { "enum": ["a", "b"], "type": "string" } } } }
            """);

        var mode = Properties(SchemaInliner.Inline(document, "Input")!)["mode"];

        AssertJson("""{ "enum": ["a", "b"], "type": "string", "x-order": 2 }""", mode);
    }

    [Fact]
    public void Inline_RefBranchBesideNull_InlinesTheBranchOnly()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": { "mode": { "anyOf": [{ "$ref": "#/components/schemas/mode" }, { "type": "null" }], "default": null } } },
                "mode": { "enum": ["a", "b"], "type": "string" } } } }
            """);

        var mode = Properties(SchemaInliner.Inline(document, "Input")!)["mode"];

        AssertJson("""{ "anyOf": [{ "enum": ["a", "b"], "type": "string" }, { "type": "null" }], "default": null }""", mode);
    }

    [Fact]
    public void Inline_ChainedRefs_ResolveThroughEveryLink()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": { "size": { "$ref": "#/components/schemas/alias", "default": "s" } } },
                "alias": { "allOf": [{ "$ref": "#/components/schemas/size" }], "description": "Alias." },
                "size": { "enum": ["s", "m"], "type": "string", "description": "An enumeration." } } } }
            """);

        var size = Properties(SchemaInliner.Inline(document, "Input")!)["size"];

        AssertJson("""{ "enum": ["s", "m"], "type": "string", "description": "Alias.", "default": "s" }""", size);
    }

    [Fact]
    public void Inline_RefCycle_LeavesTheRecursiveRefAndTerminates()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": { "tree": { "$ref": "#/components/schemas/Node", "x-order": 0 }, "again": { "$ref": "#/components/schemas/Input" } } },
                "Node": { "type": "object", "properties": {
                    "child": { "allOf": [{ "$ref": "#/components/schemas/Node" }], "description": "Child." },
                    "children": { "type": "array", "items": { "$ref": "#/components/schemas/Node" } } } } } } }
            """);

        var input = SchemaInliner.Inline(document, "Input")!;

        AssertJson("""
            {
              "properties": {
                "tree": {
                  "type": "object",
                  "properties": {
                    "child": { "allOf": [{ "$ref": "#/components/schemas/Node" }], "description": "Child." },
                    "children": { "type": "array", "items": { "$ref": "#/components/schemas/Node" } }
                  },
                  "x-order": 0
                },
                "again": { "$ref": "#/components/schemas/Input" }
              }
            }
            """, input);
    }

    [Fact]
    public void Inline_SameComponentReferencedTwice_InlinesBothIndependently()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": {
                    "a": { "$ref": "#/components/schemas/mode", "default": "x" },
                    "b": { "$ref": "#/components/schemas/mode", "default": "y" } } },
                "mode": { "enum": ["x", "y"], "type": "string" } } } }
            """);

        var properties = Properties(SchemaInliner.Inline(document, "Input")!);
        ((JsonArray)properties["a"]!["enum"]!).Add("z");

        AssertJson("""{ "enum": ["x", "y"], "type": "string", "default": "y" }""", properties["b"]);
    }

    [Fact]
    public void Inline_DanglingOrForeignRef_IsLeftUnchanged()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": {
                    "gone": { "allOf": [{ "$ref": "#/components/schemas/Missing" }], "default": "a" },
                    "elsewhere": { "$ref": "https://example.com/schema.json#/x" } } } } } }
            """);

        var input = SchemaInliner.Inline(document, "Input");

        AssertJson("""
            { "properties": {
                "gone": { "allOf": [{ "$ref": "#/components/schemas/Missing" }], "default": "a" },
                "elsewhere": { "$ref": "https://example.com/schema.json#/x" } } }
            """, input);
    }

    [Fact]
    public void Inline_RefShapedDefault_IsCopiedAsData()
    {
        var document = CogSchemas.Document("""
            { "components": { "schemas": {
                "Input": { "properties": { "config": { "type": "object", "default": { "$ref": "#/components/schemas/mode" } } } },
                "mode": { "enum": ["x"], "type": "string" } } } }
            """);

        var config = Properties(SchemaInliner.Inline(document, "Input")!)["config"];

        AssertJson("""{ "type": "object", "default": { "$ref": "#/components/schemas/mode" } }""", config);
    }

    [Theory]
    [InlineData("""{ "openapi": "3.0.2" }""")]
    [InlineData("""{ "components": {} }""")]
    [InlineData("""{ "components": { "schemas": { "Output": { "type": "string" } } } }""")]
    [InlineData("""{ "components": { "schemas": { "Input": true } } }""")]
    [InlineData("""null""")]
    public void Inline_MissingComponent_ReturnsNull(string json)
    {
        Assert.Null(SchemaInliner.Inline(CogSchemas.Document(json), "Input"));
    }
}
