using System.Text.Json.Nodes;
using ReplicateMcp.Schemas;

namespace ReplicateMcp.Tests.Schemas;

public sealed class InputSchemaValidatorTests
{
    private const string AllowedFlux =
        "allowed: prompt, aspect_ratio, num_outputs, output_format, guidance, image, megapixels, go_fast, seed, styles, image_urls, negative_prompt";

    private static readonly JsonObject Flux = CogSchemas.FluxInput();

    private static IReadOnlyList<string> ValidateFlux(string inputJson, string path = "items[0].input", Func<string, bool>? isDeferred = null) =>
        InputSchemaValidator.Validate(JsonNode.Parse(inputJson)!.AsObject(), Flux, path, isDeferred);

    private static IReadOnlyList<string> ValidateWith(string schemaJson, string inputJson) =>
        InputSchemaValidator.Validate(JsonNode.Parse(inputJson)!.AsObject(), JsonNode.Parse(schemaJson)!.AsObject(), "items[0].input");

    [Fact]
    public void Validate_FullValidInput_ReturnsNoProblems()
    {
        var problems = ValidateFlux("""
            {
              "prompt": "a cat in a hat", "aspect_ratio": "16:9", "num_outputs": 4, "output_format": "png",
              "guidance": 0, "image": "https://example.com/a.png", "megapixels": "0.25", "go_fast": false,
              "seed": -3, "styles": ["photo", "sketch"], "image_urls": [], "negative_prompt": "blur"
            }
            """);

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_MissingRequired_NamesPathTypeAndDescription()
    {
        var problems = ValidateFlux("""{ "aspect_ratio": "1:1" }""");

        Assert.Equal(["items[0].input.prompt: required, missing (string: Prompt for generated image)"], problems);
    }

    [Fact]
    public void Validate_MissingRequiredWithLongDescription_ShortensItOnAWordBoundary()
    {
        var problems = ValidateWith("""
            { "required": ["prompt"], "properties": { "prompt": { "type": "string",
              "description": "Prompt for generated image. If you include the\n`trigger_word` used in the training process you are more likely to activate it." } } }
            """, "{}");

        // The first 60 characters end inside `trigger_word`, so the cut falls at the space before it.
        Assert.Equal(["items[0].input.prompt: required, missing (string: Prompt for generated image. If you include the…)"], problems);
    }

    [Theory]
    [InlineData("""{ "required": ["prompt"], "properties": { "prompt": { "type": "string" } } }""", "items[0].input.prompt: required, missing (string)")]
    [InlineData("""{ "required": ["prompt"], "properties": { "prompt": { "description": "Text." } } }""", "items[0].input.prompt: required, missing (Text.)")]
    [InlineData("""{ "required": ["prompt"] }""", "items[0].input.prompt: required, missing")]
    public void Validate_MissingRequiredWithPartialSchema_SaysWhatIsKnown(string schema, string expected)
    {
        Assert.Equal([expected], ValidateWith(schema, "{}"));
    }

    [Fact]
    public void Validate_UnknownCloseName_ListsAllowedAndSuggests()
    {
        var problems = ValidateFlux("""{ "promt": "a cat" , "prompt": "a cat" }""");

        Assert.Equal([$"items[0].input.promt: unknown input; {AllowedFlux}; did you mean 'prompt'?"], problems);
    }

    [Theory]
    [InlineData("aspectratio", "aspect_ratio")]
    [InlineData("num_ouptuts", "num_outputs")]
    [InlineData("Seed", "seed")]
    [InlineData("image_url", "image_urls")]
    public void Validate_UnknownWithinTwoEdits_SuggestsClosest(string given, string suggested)
    {
        var problems = ValidateFlux($$"""{ "prompt": "p", "{{given}}": 1 }""");

        var problem = Assert.Single(problems);
        Assert.EndsWith($"; did you mean '{suggested}'?", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownFarName_ListsAllowedWithoutSuggestion()
    {
        var problems = ValidateFlux("""{ "prompt": "p", "steps": 4 }""");

        Assert.Equal([$"items[0].input.steps: unknown input; {AllowedFlux}"], problems);
    }

    [Fact]
    public void Validate_UnknownNameWithOddCharacters_QuotesItInThePath()
    {
        var problems = ValidateFlux("""{ "prompt": "p", "bad name\n": 4 }""");

        Assert.Equal([$"items[0].input[\"bad name\\n\"]: unknown input; {AllowedFlux}"], problems);
    }

    [Theory]
    [InlineData("""{ "properties": { "a": {} }, "additionalProperties": true }""")]
    [InlineData("""{ "properties": { "a": {} }, "additionalProperties": { "type": "string" } }""")]
    [InlineData("""{ "type": "object" }""")]
    public void Validate_OpenSchema_AcceptsUnknownProperties(string schema)
    {
        Assert.Empty(ValidateWith(schema, """{ "zzz": 1 }"""));
    }

    [Theory]
    [InlineData("""{ "prompt": 5 }""", "items[0].input.prompt: 5 given, expected string")]
    [InlineData("""{ "prompt": ["a", "b"] }""", "items[0].input.prompt: an array of 2 given, expected string")]
    [InlineData("""{ "prompt": { "text": "a" } }""", "items[0].input.prompt: an object (keys: text) given, expected string")]
    [InlineData("""{ "prompt": "p", "num_outputs": "2" }""", "items[0].input.num_outputs: \"2\" given, expected integer")]
    [InlineData("""{ "prompt": "p", "go_fast": "yes" }""", "items[0].input.go_fast: \"yes\" given, expected boolean")]
    [InlineData("""{ "prompt": "p", "go_fast": 1 }""", "items[0].input.go_fast: 1 given, expected boolean")]
    [InlineData("""{ "prompt": "p", "guidance": "3.5" }""", "items[0].input.guidance: \"3.5\" given, expected number")]
    [InlineData("""{ "prompt": "p", "image_urls": "https://example.com/a.png" }""", "items[0].input.image_urls: \"https://example.com/a.png\" given, expected array")]
    [InlineData("""{ "prompt": "p", "megapixels": 1 }""", "items[0].input.megapixels: 1 given, expected string")]
    public void Validate_WrongType_NamesValueAndExpectedType(string input, string expected)
    {
        Assert.Equal([expected], ValidateFlux(input));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2.0")]
    [InlineData("2e0")]
    [InlineData("20E-1")]
    public void Validate_IntegralNumberForInteger_IsAccepted(string number)
    {
        Assert.Empty(ValidateFlux($$"""{ "prompt": "p", "num_outputs": {{number}} }"""));
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("1.0000000001")]
    public void Validate_FractionForInteger_IsRefused(string number)
    {
        Assert.Equal([$"items[0].input.num_outputs: {number} given, expected integer"], ValidateFlux($$"""{ "prompt": "p", "num_outputs": {{number}} }"""));
    }

    [Fact]
    public void Validate_HugeIntegralNumber_IsAnInteger()
    {
        Assert.Empty(ValidateFlux("""{ "prompt": "p", "seed": 1e40 }"""));
    }

    [Fact]
    public void Validate_IntegerForNumber_IsAccepted()
    {
        Assert.Empty(ValidateFlux("""{ "prompt": "p", "guidance": 3 }"""));
    }

    [Fact]
    public void Validate_ValueOutsideEnum_ListsAllowedValuesAsJson()
    {
        var problems = ValidateFlux("""{ "prompt": "p", "aspect_ratio": "2:1" }""", "items[1].input");

        Assert.Equal(
            ["items[1].input.aspect_ratio: \"2:1\" given, allowed one of \"1:1\", \"16:9\", \"21:9\", \"3:2\", \"2:3\", \"4:5\", \"5:4\", \"3:4\", \"4:3\", \"9:16\", \"9:21\""],
            problems);
    }

    [Fact]
    public void Validate_DirectRefEnum_IsChecked()
    {
        Assert.Equal(
            ["items[0].input.output_format: \"gif\" given, allowed one of \"webp\", \"jpg\", \"png\""],
            ValidateFlux("""{ "prompt": "p", "output_format": "gif" }"""));
    }

    [Fact]
    public void Validate_NumericEnum_ComparesNumbersNotText()
    {
        const string Schema = """{ "properties": { "steps": { "type": "integer", "enum": [1, 4, 8] } } }""";

        Assert.Empty(ValidateWith(Schema, """{ "steps": 4.0 }"""));
        Assert.Equal(["items[0].input.steps: 5 given, allowed one of 1, 4, 8"], ValidateWith(Schema, """{ "steps": 5 }"""));
    }

    [Fact]
    public void Validate_LongEnum_ListsThirtyAndCountsTheRest()
    {
        var values = string.Join(", ", Enumerable.Range(0, 35).Select(i => $"\"v{i}\""));

        var problem = Assert.Single(ValidateWith($$"""{ "properties": { "voice": { "enum": [{{values}}] } } }""", """{ "voice": "x" }"""));

        Assert.EndsWith("\"v28\", \"v29\", … (5 more)", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("\"v30\"", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num_outputs", "7", "items[0].input.num_outputs: 7 given, allowed 1–4")]
    [InlineData("num_outputs", "0", "items[0].input.num_outputs: 0 given, allowed 1–4")]
    [InlineData("guidance", "10.5", "items[0].input.guidance: 10.5 given, allowed 0–10")]
    [InlineData("guidance", "-0.1", "items[0].input.guidance: -0.1 given, allowed 0–10")]
    public void Validate_NumberOutOfRange_NamesRange(string name, string value, string expected)
    {
        Assert.Equal([expected], ValidateFlux($$"""{ "prompt": "p", "{{name}}": {{value}} }"""));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("4")]
    [InlineData("4.0")]
    public void Validate_NumberOnBound_IsAccepted(string value)
    {
        Assert.Empty(ValidateFlux($$"""{ "prompt": "p", "num_outputs": {{value}} }"""));
    }

    [Theory]
    [InlineData("""{ "minimum": 1 }""", "0", "0 given, allowed at least 1")]
    [InlineData("""{ "maximum": 4 }""", "5", "5 given, allowed at most 4")]
    [InlineData("""{ "exclusiveMinimum": 0 }""", "0", "0 given, allowed greater than 0")]
    [InlineData("""{ "exclusiveMaximum": 1 }""", "1", "1 given, allowed less than 1")]
    [InlineData("""{ "minimum": 0, "exclusiveMinimum": true, "maximum": 1 }""", "0", "0 given, allowed greater than 0 and at most 1")]
    [InlineData("""{ "minimum": 0, "maximum": 1, "exclusiveMaximum": true }""", "1", "1 given, allowed at least 0 and less than 1")]
    [InlineData("""{ "minimum": 0.5, "maximum": 1.5 }""", "1.75", "1.75 given, allowed 0.5–1.5")]
    public void Validate_SingleOrExclusiveBound_DescribesIt(string bounds, string value, string expected)
    {
        var schema = JsonNode.Parse(bounds)!.AsObject();
        schema["type"] = "number";
        var problems = ValidateWith($$"""{ "properties": { "x": {{schema.ToJsonString()}} } }""", $$"""{ "x": {{value}} }""");

        Assert.Equal([$"items[0].input.x: {expected}"], problems);
    }

    [Theory]
    [InlineData("""{ "exclusiveMinimum": 0 }""", "0.001")]
    [InlineData("""{ "minimum": 0, "exclusiveMinimum": true }""", "0.001")]
    [InlineData("""{ "minimum": 0, "exclusiveMinimum": false }""", "0")]
    public void Validate_InsideExclusiveBound_IsAccepted(string bounds, string value)
    {
        Assert.Empty(ValidateWith($$"""{ "properties": { "x": {{bounds}} } }""", $$"""{ "x": {{value}} }"""));
    }

    [Fact]
    public void Validate_NullForNullable_IsAccepted()
    {
        Assert.Empty(ValidateFlux("""{ "prompt": "p", "image": null, "negative_prompt": null }"""));
    }

    [Theory]
    [InlineData("""{ "type": ["string", "null"] }""")]
    [InlineData("""{ "type": "null" }""")]
    [InlineData("""{ "oneOf": [{ "type": "null" }, { "type": "integer" }] }""")]
    [InlineData("""{ "anyOf": [{ "type": "string", "nullable": true }] }""")]
    [InlineData("""{ "enum": ["a", null] }""")]
    [InlineData("""{ "description": "no type at all" }""")]
    public void Validate_NullWhereSchemaAllowsIt_IsAccepted(string property)
    {
        Assert.Empty(ValidateWith($$"""{ "properties": { "x": {{property}} } }""", """{ "x": null }"""));
    }

    [Fact]
    public void Validate_NullForNonNullable_IsRefusedButCountsAsPresent()
    {
        var problems = ValidateFlux("""{ "prompt": null, "aspect_ratio": null }""");

        Assert.Equal(
            [
                "items[0].input.prompt: null given, expected string",
                "items[0].input.aspect_ratio: null given, expected string",
            ],
            problems);
    }

    [Fact]
    public void Validate_NullForUntypedEnum_ListsAllowedValues()
    {
        Assert.Equal(["items[0].input.x: null given, allowed one of \"a\", \"b\""], ValidateWith("""{ "properties": { "x": { "enum": ["a", "b"] } } }""", """{ "x": null }"""));
    }

    [Fact]
    public void Validate_TypeArray_AcceptsAnyListedType()
    {
        const string Schema = """{ "properties": { "x": { "type": ["integer", "string"] } } }""";

        Assert.Empty(ValidateWith(Schema, """{ "x": 3 }"""));
        Assert.Empty(ValidateWith(Schema, """{ "x": "3" }"""));
        Assert.Equal(["items[0].input.x: true given, expected integer or string"], ValidateWith(Schema, """{ "x": true }"""));
    }

    [Fact]
    public void Validate_OptionalAnyOf_ChecksTheNonNullBranch()
    {
        Assert.Equal(["items[0].input.negative_prompt: 5 given, expected string"], ValidateFlux("""{ "prompt": "p", "negative_prompt": 5 }"""));
    }

    [Fact]
    public void Validate_ArrayItems_AreCheckedWithIndexedPaths()
    {
        var problems = ValidateFlux("""{ "prompt": "p", "styles": ["photo", "oil", "anime", 3], "image_urls": ["https://a", 7] }""");

        Assert.Equal(
            [
                "items[0].input.styles[1]: \"oil\" given, allowed one of \"photo\", \"anime\", \"sketch\"",
                "items[0].input.styles[3]: 3 given, expected string",
                "items[0].input.image_urls[1]: 7 given, expected string",
            ],
            problems);
    }

    [Fact]
    public void Validate_NestedObjectWithProperties_IsChecked()
    {
        var problems = ValidateWith(
            """{ "properties": { "lora": { "type": "object", "required": ["url"], "properties": { "url": { "type": "string" }, "scale": { "type": "number", "maximum": 2 } } } } }""",
            """{ "lora": { "scale": 3, "scal": 1 } }""");

        Assert.Equal(
            [
                "items[0].input.lora.url: required, missing (string)",
                "items[0].input.lora.scale: 3 given, allowed at most 2",
                "items[0].input.lora.scal: unknown input; allowed: url, scale; did you mean 'scale'?",
            ],
            problems);
    }

    [Fact]
    public void Validate_SeveralProblems_ReturnsThemAllInOrder()
    {
        var problems = ValidateFlux(
            """{ "aspect_ratio": "2:1", "num_outputs": 9, "promt": "cat", "go_fast": "no", "styles": ["oil"] }""",
            "steps[gen].input");

        Assert.Equal(
            [
                "steps[gen].input.prompt: required, missing (string: Prompt for generated image)",
                "steps[gen].input.aspect_ratio: \"2:1\" given, allowed one of \"1:1\", \"16:9\", \"21:9\", \"3:2\", \"2:3\", \"4:5\", \"5:4\", \"3:4\", \"4:3\", \"9:16\", \"9:21\"",
                "steps[gen].input.num_outputs: 9 given, allowed 1–4",
                $"steps[gen].input.promt: unknown input; {AllowedFlux}; did you mean 'prompt'?",
                "steps[gen].input.go_fast: \"no\" given, expected boolean",
                "steps[gen].input.styles[0]: \"oil\" given, allowed one of \"photo\", \"anime\", \"sketch\"",
            ],
            problems);
    }

    [Fact]
    public void Validate_DeferredProperties_SkipValueChecksButCountAsPresent()
    {
        var deferred = new HashSet<string> { "prompt", "num_outputs", "image_urls" };

        var problems = ValidateFlux(
            """{ "prompt": "$caption.text_output[0]", "num_outputs": "$count.output", "image_urls": "$gen.urls", "aspect_ratio": "2:1" }""",
            "steps[edit].input",
            deferred.Contains);

        Assert.Equal(
            ["steps[edit].input.aspect_ratio: \"2:1\" given, allowed one of \"1:1\", \"16:9\", \"21:9\", \"3:2\", \"2:3\", \"4:5\", \"5:4\", \"3:4\", \"4:3\", \"9:16\", \"9:21\""],
            problems);
    }

    [Fact]
    public void Validate_DeferredUnknownName_IsStillReported()
    {
        var problems = ValidateFlux("""{ "prompt": "p", "promt": "$gen.text_output" }""", "steps[edit].input", name => name == "promt");

        Assert.Equal([$"steps[edit].input.promt: unknown input; {AllowedFlux}; did you mean 'prompt'?"], problems);
    }

    [Fact]
    public void Validate_LongStringValue_IsCutTo80CharactersWithEllipsis()
    {
        var value = new string('a', 79) + "bcdef";

        var problem = Assert.Single(ValidateFlux($$"""{ "prompt": "p", "aspect_ratio": "{{value}}" }"""));

        Assert.StartsWith($"items[0].input.aspect_ratio: \"{new string('a', 79)}b…\" given, allowed one of ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ControlCharactersInValue_AreEscaped()
    {
        var problem = Assert.Single(ValidateFlux("""{ "prompt": "p", "output_format": "png\n\u001b[31mred\t" }"""));

        Assert.StartsWith("items[0].input.output_format: \"png\\n\\u001B[31mred\\t\" given, allowed one of", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
        Assert.DoesNotContain('\u001b', problem);
    }

    [Fact]
    public void Validate_NonAsciiValue_IsEchoedReadably()
    {
        var problem = Assert.Single(ValidateFlux("""{ "prompt": "p", "output_format": "café" }"""));

        Assert.StartsWith("items[0].input.output_format: \"café\" given", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownKeywords_AreIgnored()
    {
        var problems = ValidateWith(
            """{ "properties": { "x": { "type": "string", "pattern": "^a$", "maxLength": 1, "format": "uri", "x-cog-secret": true }, "y": { "type": "tensor" } } }""",
            """{ "x": "bbbb", "y": [1] }""");

        Assert.Empty(problems);
    }
}
