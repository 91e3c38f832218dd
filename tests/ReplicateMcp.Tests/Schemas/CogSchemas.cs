using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Schemas;

namespace ReplicateMcp.Tests.Schemas;

/// <summary>A flux-like cog OpenAPI document, shaped like what <c>GET /models/{owner}/{name}</c> returns.</summary>
internal static class CogSchemas
{
    public const string FluxLike = """
        {
          "openapi": "3.0.2",
          "info": { "title": "Cog", "version": "0.1.0" },
          "paths": {},
          "components": {
            "schemas": {
              "Input": {
                "type": "object",
                "title": "Input",
                "required": ["prompt"],
                "properties": {
                  "prompt": { "type": "string", "title": "Prompt", "x-order": 0, "description": "Prompt for generated image" },
                  "aspect_ratio": {
                    "allOf": [{ "$ref": "#/components/schemas/aspect_ratio" }],
                    "default": "1:1",
                    "description": "Aspect ratio for the generated image",
                    "x-order": 1
                  },
                  "num_outputs": { "type": "integer", "title": "Num Outputs", "default": 1, "minimum": 1, "maximum": 4, "x-order": 2, "description": "Number of outputs to generate" },
                  "output_format": {
                    "$ref": "#/components/schemas/output_format",
                    "default": "webp",
                    "description": "Format of the output images",
                    "x-order": 3
                  },
                  "guidance": { "type": "number", "title": "Guidance", "default": 3.5, "minimum": 0, "maximum": 10, "x-order": 4, "description": "Guidance for generated image" },
                  "image": { "type": "string", "title": "Image", "format": "uri", "nullable": true, "x-order": 5, "description": "Input image for image to image mode" },
                  "megapixels": {
                    "allOf": [{ "$ref": "#/components/schemas/megapixels" }],
                    "default": "1",
                    "description": "Approximate number of megapixels for generated image",
                    "x-order": 6
                  },
                  "go_fast": { "type": "boolean", "title": "Go Fast", "default": true, "x-order": 7, "description": "Run faster predictions with a model optimized for speed" },
                  "seed": { "type": "integer", "title": "Seed", "x-order": 8, "description": "Random seed. Set for reproducible generation" },
                  "styles": { "type": "array", "title": "Styles", "items": { "allOf": [{ "$ref": "#/components/schemas/style" }] }, "x-order": 9 },
                  "image_urls": { "type": "array", "title": "Image Urls", "items": { "type": "string", "format": "uri" }, "x-order": 10 },
                  "negative_prompt": { "anyOf": [{ "type": "string" }, { "type": "null" }], "title": "Negative Prompt", "x-order": 11 }
                }
              },
              "aspect_ratio": {
                "enum": ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"],
                "type": "string",
                "title": "aspect_ratio",
                "description": "An enumeration."
              },
              "output_format": { "enum": ["webp", "jpg", "png"], "type": "string", "title": "output_format", "description": "An enumeration." },
              "megapixels": { "enum": ["1", "0.25"], "type": "string", "title": "megapixels", "description": "An enumeration." },
              "style": { "enum": ["photo", "anime", "sketch"], "type": "string", "title": "style", "description": "An enumeration." },
              "Output": { "type": "array", "items": { "$ref": "#/components/schemas/OutputFile" }, "title": "Output" },
              "OutputFile": { "type": "string", "format": "uri", "title": "OutputFile" },
              "PredictionRequest": {
                "type": "object",
                "title": "PredictionRequest",
                "properties": { "id": { "type": "string", "title": "Id" }, "input": { "$ref": "#/components/schemas/Input" } }
              }
            }
          }
        }
        """;

    public static JsonElement Document(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The flux-like Input with its refs inlined, as the validator receives it in production.</summary>
    public static JsonObject FluxInput() => SchemaInliner.Inline(Document(FluxLike), "Input")
        ?? throw new InvalidOperationException("Input component missing from the fixture.");
}
