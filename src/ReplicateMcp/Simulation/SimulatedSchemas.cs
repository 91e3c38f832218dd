using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>Cog-style OpenAPI documents and default examples, one per model family.</summary>
internal static class SimulatedSchemas
{
    /// <summary>The version's <c>openapi_schema</c>: Input (enums behind <c>allOf</c>/<c>$ref</c>, as cog writes them) and Output.</summary>
    public static JsonObject OpenApi(ModelFamily family)
    {
        var schemas = family switch
        {
            ModelFamily.Text => TextSchemas(),
            ModelFamily.Video => VideoSchemas(),
            _ => ImageSchemas(),
        };
        return new JsonObject
        {
            ["openapi"] = "3.0.2",
            ["info"] = new JsonObject { ["title"] = "Cog", ["version"] = "0.1.0" },
            ["paths"] = new JsonObject(),
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>The model's <c>default_example.input</c>; valid against <see cref="OpenApi"/>.</summary>
    public static JsonObject ExampleInput(ModelFamily family) => family switch
    {
        ModelFamily.Text => new JsonObject { ["prompt"] = "Please write a haiku about llamas", ["max_tokens"] = 128 },
        ModelFamily.Video => new JsonObject { ["prompt"] = "a corgi running along a beach at sunset", ["duration"] = 5 },
        _ => new JsonObject { ["prompt"] = "a studio photo of a rainbow colored corgi", ["aspect_ratio"] = "1:1", ["num_outputs"] = 1 },
    };

    private static JsonObject ImageSchemas() => new()
    {
        ["Input"] = Input(
            required: [],
            ("prompt", StringProperty("Prompt", "Text prompt for image generation")),
            ("image", UriProperty("Image", "Input image for image-to-image mode")),
            ("aspect_ratio", EnumRef("aspect_ratio", "Aspect ratio of the output image", "1:1")),
            ("num_outputs", Integer("Num Outputs", "Number of images to output", 1, 4, 1)),
            ("scale", Number("Scale", "Guidance scale", 1, 10, 7.5)),
            ("width", Integer("Width", "Width of the output image", 64, 2048, null)),
            ("height", Integer("Height", "Height of the output image", 64, 2048, null)),
            ("seed", new JsonObject { ["type"] = "integer", ["title"] = "Seed", ["description"] = "Random seed. Leave blank to randomize the seed" }),
            ("output_format", EnumRef("output_format", "Format of the output images", "webp"))),
        ["aspect_ratio"] = EnumSchema("aspect_ratio", "An enumeration.", "1:1", "16:9", "9:16", "4:3", "3:4"),
        ["output_format"] = EnumSchema("output_format", "An enumeration.", "png", "webp", "jpg"),
        ["Output"] = new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject { ["type"] = "string", ["format"] = "uri" },
            ["title"] = "Output",
        },
    };

    private static JsonObject TextSchemas() => new()
    {
        ["Input"] = Input(
            required: ["prompt"],
            ("prompt", StringProperty("Prompt", "Prompt to send to the model")),
            ("system_prompt", StringProperty("System Prompt", "System prompt that sets the model's behaviour")),
            ("max_tokens", Integer("Max Tokens", "Maximum number of tokens to generate", 1, 8192, 512)),
            ("temperature", Number("Temperature", "Randomness of the output", 0, 2, 0.7)),
            ("image", UriProperty("Image", "Image to describe or ask about"))),
        ["Output"] = new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject { ["type"] = "string" },
            ["title"] = "Output",
            ["x-cog-array-type"] = "iterator",
            ["x-cog-array-display"] = "concatenate",
        },
    };

    private static JsonObject VideoSchemas() => new()
    {
        ["Input"] = Input(
            required: [],
            ("prompt", StringProperty("Prompt", "Text prompt for video generation")),
            ("first_frame_image", UriProperty("First Frame Image", "First frame of the video")),
            ("duration", Integer("Duration", "Length of the video in seconds", 1, 10, 5))),
        ["Output"] = new JsonObject { ["type"] = "string", ["format"] = "uri", ["title"] = "Output" },
    };

    private static JsonObject Input(string[] required, params (string Name, JsonObject Schema)[] properties)
    {
        var props = new JsonObject();
        for (var i = 0; i < properties.Length; i++)
        {
            properties[i].Schema["x-order"] = i;
            props[properties[i].Name] = properties[i].Schema;
        }

        var input = new JsonObject { ["type"] = "object", ["title"] = "Input", ["properties"] = props };
        if (required.Length > 0)
        {
            input["required"] = new JsonArray([.. required.Select(r => (JsonNode?)r)]);
        }

        return input;
    }

    private static JsonObject StringProperty(string title, string description) =>
        new() { ["type"] = "string", ["title"] = title, ["description"] = description };

    private static JsonObject UriProperty(string title, string description) =>
        new() { ["type"] = "string", ["format"] = "uri", ["title"] = title, ["description"] = description };

    private static JsonObject Integer(string title, string description, int minimum, int maximum, int? defaultValue)
    {
        var schema = new JsonObject { ["type"] = "integer", ["title"] = title, ["description"] = description, ["minimum"] = minimum, ["maximum"] = maximum };
        if (defaultValue is { } d)
        {
            schema["default"] = d;
        }

        return schema;
    }

    private static JsonObject Number(string title, string description, double minimum, double maximum, double defaultValue) =>
        new() { ["type"] = "number", ["title"] = title, ["description"] = description, ["minimum"] = minimum, ["maximum"] = maximum, ["default"] = defaultValue };

    private static JsonObject EnumRef(string name, string description, string defaultValue) => new()
    {
        ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + name }),
        ["default"] = defaultValue,
        ["description"] = description,
    };

    private static JsonObject EnumSchema(string title, string description, params string[] values) => new()
    {
        ["enum"] = new JsonArray([.. values.Select(v => (JsonNode?)v)]),
        ["type"] = "string",
        ["title"] = title,
        ["description"] = description,
    };
}
