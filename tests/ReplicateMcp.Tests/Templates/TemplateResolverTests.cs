using System.Text.Json.Nodes;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Tests.Templates;

public sealed class TemplateResolverTests
{
    private static readonly Dictionary<string, JsonObject> Steps = new(StringComparer.Ordinal)
    {
        ["gen"] = Fields(
            urls: ["https://replicate.delivery/a.png", "https://replicate.delivery/b.png"],
            output: JsonNode.Parse("""["https://replicate.delivery/a.png", "https://replicate.delivery/b.png"]"""),
            metrics: JsonNode.Parse("""{"predict_time": 2.5}""")),
        ["cap"] = Fields(
            urls: [],
            output: JsonNode.Parse("""{"text": "a cat", "score": 0.93, "tags": ["cat", "sofa"], "ok": true, "none": null}"""),
            textOutput: ["a cat"]),
        ["llm"] = Fields(urls: [], output: JsonValue.Create("hello"), textOutput: ["hel", "lo"]),
    };

    private static JsonObject Fields(string[] urls, JsonNode? output, JsonNode? metrics = null, string[]? textOutput = null) => new()
    {
        ["urls"] = new JsonArray([.. urls.Select(u => (JsonNode)JsonValue.Create(u))]),
        ["local_paths"] = new JsonArray(),
        ["text_output"] = new JsonArray([.. (textOutput ?? []).Select(t => (JsonNode)JsonValue.Create(t))]),
        ["output"] = output,
        ["prediction_id"] = "p-123",
        ["metrics"] = metrics,
    };

    private static JsonNode? Resolve(string json) => TemplateResolver.Resolve(JsonNode.Parse(json), Steps);

    private static TemplateException ResolveFails(string json) =>
        Assert.Throws<TemplateException>(() => TemplateResolver.Resolve(JsonNode.Parse(json), Steps));

    [Fact]
    public void Resolve_WholeStringToString_KeepsString()
    {
        var result = Resolve("""{"image": "$gen.urls[1]"}""");

        Assert.Equal("""{"image":"https://replicate.delivery/b.png"}""", result!.ToJsonString());
    }

    [Fact]
    public void Resolve_WholeStringToNumber_KeepsNumber()
    {
        var result = Resolve("""{"t": "$gen.metrics.predict_time", "s": "$cap.output.score"}""");

        Assert.Equal("""{"t":2.5,"s":0.93}""", result!.ToJsonString());
    }

    [Fact]
    public void Resolve_WholeStringToArray_KeepsArray()
    {
        var result = Resolve("""{"images": "$gen.urls"}""");

        Assert.Equal("""{"images":["https://replicate.delivery/a.png","https://replicate.delivery/b.png"]}""", result!.ToJsonString());
    }

    [Fact]
    public void Resolve_WholeStringToObject_KeepsObjectAsDeepClone()
    {
        var result = Resolve("""{"meta": "$cap.output"}""")!;

        Assert.Equal("a cat", (string?)result["meta"]!["text"]);
        Assert.Equal(2, result["meta"]!["tags"]!.AsArray().Count);

        // The clone must not share nodes with the step's fields, or a later edit would leak between steps.
        result["meta"]!["text"] = "changed";
        Assert.Equal("a cat", (string?)Steps["cap"]["output"]!["text"]);
    }

    [Fact]
    public void Resolve_WholeStringToBooleanAndNull_KeepsThem()
    {
        var result = Resolve("""{"ok": "$cap.output.ok", "n": "$cap.output.none", "m": "$cap.metrics"}""");

        Assert.Equal("""{"ok":true,"n":null,"m":null}""", result!.ToJsonString());
    }

    [Fact]
    public void Resolve_InlineStringAndNumber_SubstitutesText()
    {
        var result = Resolve("""{"prompt": "$cap.output.text scored $cap.output.score ($cap.output.ok), id $gen.prediction_id."}""");

        Assert.Equal("a cat scored 0.93 (true), id p-123.", (string?)result!["prompt"]);
    }

    [Fact]
    public void Resolve_IndexThenKey_ReadsNestedValue()
    {
        var result = Resolve("""{"tag": "$cap.output.tags.1", "first": "$llm.text_output[0]"}""");

        Assert.Equal("sofa", (string?)result!["tag"]);
        Assert.Equal("hel", (string?)result["first"]);
    }

    [Fact]
    public void Resolve_IndexOnArrayThenKeyOnObject_ReadsValue()
    {
        var steps = new Dictionary<string, JsonObject>(Steps)
        {
            ["det"] = Fields(urls: [], output: JsonNode.Parse("""[{"box": {"x": 4}}, {"box": {"x": 7}}]""")),
        };

        var result = TemplateResolver.Resolve(JsonNode.Parse("""{"x": "$det.output[1].box.x"}"""), steps);

        Assert.Equal(7, (int)result!["x"]!);
    }

    [Fact]
    public void Resolve_NestedObjectsAndArrays_SubstitutesEverywhere()
    {
        var result = Resolve("""
            {"images": ["$gen.urls[0]", "x", "$gen.urls[1]"],
             "opts": {"mask": "$gen.urls[0]", "list": [{"deep": "$cap.text_output[0]!"}], "n": 3, "f": false, "z": null}}
            """);

        Assert.Equal(
            """
            {"images":["https://replicate.delivery/a.png","x","https://replicate.delivery/b.png"],"opts":{"mask":"https://replicate.delivery/a.png","list":[{"deep":"a cat!"}],"n":3,"f":false,"z":null}}
            """,
            result!.ToJsonString());
    }

    [Fact]
    public void Resolve_ObjectKeys_AreNotScanned()
    {
        var result = Resolve("""{"$gen.urls": "$$5"}""");

        Assert.Equal("""{"$gen.urls":"$5"}""", result!.ToJsonString());
    }

    [Fact]
    public void Resolve_DollarEscapesAndPlainDollars_AreUnescaped()
    {
        var result = Resolve("""{"a": "costs $5", "b": "$$gen.urls", "c": "$$$gen.prediction_id"}""");

        Assert.Equal("""{"a":"costs $5","b":"$gen.urls","c":"$p-123"}""", result!.ToJsonString());
    }

    [Fact]
    public void Resolve_Input_IsLeftUntouched()
    {
        var input = JsonNode.Parse("""{"image": "$gen.urls[0]", "list": ["$$"]}""");
        var before = input!.ToJsonString();

        var result = TemplateResolver.Resolve(input, Steps);

        Assert.Equal(before, input.ToJsonString());
        Assert.NotSame(input, result);
    }

    [Fact]
    public void Resolve_IndexOutOfRange_NamesReferenceCountAndPath()
    {
        var ex = ResolveFails("""{"images": ["x", "$gen.urls[3]"]}""");

        Assert.Equal("$gen.urls[3]: index 3 is out of range, step gen produced 2 urls (at input.images[1])", ex.Message);
        Assert.Equal("$gen.urls[3]", ex.Reference);
        Assert.Equal("images[1]", ex.Path);
    }

    [Fact]
    public void Resolve_IndexOnEmptyTextOutput_SaysNoneProduced()
    {
        var ex = ResolveFails("""{"p": "$gen.text_output[0]"}""");

        Assert.Equal("$gen.text_output[0]: index 0 is out of range, step gen produced 0 text_output items (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_MissingKey_ListsKeys()
    {
        var ex = ResolveFails("""{"opts": {"c": "$cap.output.caption"}}""");

        Assert.Equal("$cap.output.caption: no key 'caption' in the object (keys: text, score, tags, ok, none) (at input.opts.c)", ex.Message);
    }

    [Fact]
    public void Resolve_InlineArray_SuggestsIndex()
    {
        var ex = ResolveFails("""{"p": "see $gen.urls"}""");

        Assert.Equal("$gen.urls used inside a longer string must be a single value, but it is an array of 2; use $gen.urls[0] (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_InlineObject_SuggestsKey()
    {
        var ex = ResolveFails("""{"p": "about $cap.output"}""");

        Assert.Contains("$cap.output used inside a longer string must be a single value, but it is an object (keys: text, score, tags, ok, none); use $cap.output.text", ex.Message);
    }

    [Fact]
    public void Resolve_InlineNestedArray_SuggestsDigitKey()
    {
        var ex = ResolveFails("""{"p": "tags: $cap.output.tags"}""");

        Assert.Contains("but it is an array of 2; use $cap.output.tags.0", ex.Message);
    }

    [Fact]
    public void Resolve_InlineNull_IsError()
    {
        var ex = ResolveFails("""{"p": "m=$gen.metrics.none"}""");

        Assert.Contains("$gen.metrics.none: no key 'none' in the object (keys: predict_time)", ex.Message);

        var nullEx = ResolveFails("""{"p": "m=$cap.metrics"}""");
        Assert.Equal("$cap.metrics used inside a longer string must be a single value, but it is null (at input.p)", nullEx.Message);
    }

    [Fact]
    public void Resolve_IndexOnNonArray_SaysWhatWasThere()
    {
        var ex = ResolveFails("""{"p": "$llm.output[0]"}""");

        Assert.Equal("$llm.output[0]: [0] needs an array, but $llm.output is \"hello\" (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_KeyOnString_SaysWhatWasThere()
    {
        var ex = ResolveFails("""{"p": "$cap.output.text.en"}""");

        Assert.Equal("$cap.output.text.en: .en needs an object, but $cap.output.text is \"a cat\" (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_DigitKeyOutOfRange_NamesArraySize()
    {
        var ex = ResolveFails("""{"p": "$cap.output.tags.5"}""");

        Assert.Equal("$cap.output.tags.5: index 5 is out of range, $cap.output.tags has 2 items (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_UnfinishedStep_ListsFinishedSteps()
    {
        var ex = ResolveFails("""{"p": "$up.urls[0]"}""");

        Assert.Equal("$up.urls[0]: step 'up' has no results to use (finished steps: cap, gen, llm) (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_UnknownField_ListsFields()
    {
        var ex = ResolveFails("""{"p": "$gen.url[0]"}""");

        Assert.Equal("$gen.url[0]: unknown field 'url'; fields are urls, local_paths, text_output, output, prediction_id, metrics (at input.p)", ex.Message);
    }

    [Fact]
    public void Resolve_SyntaxError_Throws()
    {
        var ex = ResolveFails("""{"p": "$gen is great"}""");

        Assert.StartsWith("p: \"$gen\" is not a complete reference", ex.Message);
    }

    [Fact]
    public void FindReferences_NestedInput_ReportsPaths()
    {
        var scan = TemplateResolver.FindReferences(JsonNode.Parse("""
            {"image": "$gen.urls[0]", "images": ["x", "$gen.urls[1] and $cap.text_output[0]"],
             "opts": {"mask": "$up.output"}, "odd key": "$gen.prediction_id", "n": 5, "$gen.urls": "key not scanned"}
            """));

        Assert.Empty(scan.Errors);
        Assert.Equal(
            ["image=$gen.urls[0]", "images[1]=$gen.urls[1]", "images[1]=$cap.text_output[0]", "opts.mask=$up.output",
             "[\"odd key\"]=$gen.prediction_id"],
            scan.References.Select(o => $"{o.Path}={o.Reference.Text}"));
    }

    [Fact]
    public void FindReferences_SyntaxError_NamesPathTextExpectationAndEscape()
    {
        var scan = TemplateResolver.FindReferences(JsonNode.Parse("""{"opts": {"list": ["ok", "from $gen"]}}"""));

        var error = Assert.Single(scan.Errors);
        Assert.Equal("opts.list[1]", error.Path);
        Assert.StartsWith("opts.list[1]: \"$gen\" is not a complete reference: expected $gen.<field>", error.Message);
        Assert.Contains("write $$ for a literal $", error.Message);
    }

    [Fact]
    public void FindReferences_NullOrScalarInput_FindsNothingOrRootString()
    {
        Assert.Empty(TemplateResolver.FindReferences(null).References);
        var root = Assert.Single(TemplateResolver.FindReferences(JsonValue.Create("$gen.urls")).References);
        Assert.Equal("", root.Path);
    }
}
