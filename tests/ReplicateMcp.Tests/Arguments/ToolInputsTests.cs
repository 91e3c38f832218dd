using System.Text.Json;
using ReplicateMcp.Arguments;

namespace ReplicateMcp.Tests.Arguments;

/// <summary>The input schemas and the argument checks come from one definition: what the schema says is what is checked.</summary>
public sealed class ToolInputsTests
{
    public static TheoryData<string> SetNames() =>
        [.. typeof(ToolInputs).GetFields().Where(f => f.FieldType == typeof(ArgumentSet)).Select(f => f.Name)];

    private static ArgumentSet Set(string name) => (ArgumentSet)typeof(ToolInputs).GetField(name)!.GetValue(null)!;

    private static Dictionary<string, JsonElement> Args(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public void InputSchema_EveryIntegerArgument_SchemaBoundsAndDefaultAreTheCheckedOnes(string setName)
    {
        var set = Set(setName);
        var properties = set.InputSchema().GetProperty("properties");
        foreach (var argument in set.Arguments.OfType<IntArgument>())
        {
            var schema = properties.GetProperty(argument.Name);
            var (min, max) = (schema.GetProperty("minimum").GetInt32(), schema.GetProperty("maximum").GetInt32());

            Assert.Equal(schema.GetProperty("default").GetInt32(), set.Read(Args("{}")).Read(argument));
            foreach (var ok in new[] { min, max })
            {
                var args = set.Read(Args($$"""{"{{argument.Name}}": {{ok}}}"""));
                Assert.Equal(ok, args.Read(argument));
                Assert.DoesNotContain(args.Problems, p => p.StartsWith(argument.Name + ":", StringComparison.Ordinal));
            }
            foreach (var bad in new[] { min - 1, max + 1 })
            {
                var args = set.Read(Args($$"""{"{{argument.Name}}": {{bad}}}"""));
                args.Read(argument);
                Assert.Contains($"{argument.Name}: {bad} given, allowed {min}–{max}.", args.Problems);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public void InputSchema_EveryArgument_IsListedAndOnlyTheRequiredAreRequired(string setName)
    {
        var set = Set(setName);
        var schema = set.InputSchema();

        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(set.Arguments.Select(a => a.Name), schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()) : [];
        Assert.Equal(set.Arguments.Where(a => a.Required).Select(a => a.Name), required);
        Assert.All(schema.GetProperty("properties").EnumerateObject(), p => Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("description").GetString())));
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public void Read_ArgumentNotInTheSet_IsNamedWithTheAllowedOnes(string setName)
    {
        var set = Set(setName);

        var args = set.Read(Args("""{"colour": "red"}"""));

        Assert.Contains($"\"colour\": unknown argument; allowed: {string.Join(", ", set.Arguments.Select(a => a.Name))}.", args.Problems);
    }

    [Fact]
    public void Read_IdempotencyKey_OptionalOneToHundredCharacters()
    {
        var schema = ToolInputs.BatchStart.InputSchema().GetProperty("properties").GetProperty("idempotency_key");
        Assert.Equal((1, 100), (schema.GetProperty("minLength").GetInt32(), schema.GetProperty("maxLength").GetInt32()));

        var absent = ToolInputs.BatchStart.Read(Args("{}"));
        Assert.Null(absent.Read(ToolInputs.IdempotencyKey));
        Assert.Empty(absent.Problems);
        Assert.Equal("k-1", ToolInputs.BatchStart.Read(Args("""{"idempotency_key": "k-1"}""")).Read(ToolInputs.IdempotencyKey));

        var empty = ToolInputs.BatchStart.Read(Args("""{"idempotency_key": ""}"""));
        empty.Read(ToolInputs.IdempotencyKey);
        Assert.Equal(["idempotency_key: \"\" given, expected a key of 1–100 characters (1–100 characters)."], empty.Problems);
        var tooLong = ToolInputs.BatchStart.Read(Args($$"""{"idempotency_key": "{{new string('k', 101)}}"}"""));
        tooLong.Read(ToolInputs.IdempotencyKey);
        Assert.Equal(["idempotency_key: a string of 101 characters given, at most 100 allowed."], tooLong.Problems);
    }

    [Fact]
    public void ThrowIfInvalid_SeveralProblems_ThrowsThemAllInOneMessage()
    {
        var args = ToolInputs.BatchStatus.Read(Args("""{"include_results": "yes", "wait_seconds": 51}"""));
        args.Read(ToolInputs.JobId);
        args.Read(ToolInputs.IncludeResults);
        args.Read(ToolInputs.BatchWait);

        var ex = Assert.Throws<ArgumentProblemsException>(args.ThrowIfInvalid);

        Assert.Equal(
            ["job_id: missing; give the job_id returned by replicate_batch_start.", "include_results: \"yes\" given, expected true or false.", "wait_seconds: 51 given, allowed 0–50."],
            ex.Problems);
        Assert.Equal($"3 problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", ex.Problems), ex.Message);
    }

    [Fact]
    public void ReadBatch_WithIdempotencyKey_IsAcceptedAndTooManyItemsRefused()
    {
        var item = """{"model": "acme/flux", "input": {"prompt": "a fox"}}""";

        var spec = JobSpecReader.ReadBatch(Args($$"""{"items": [{{item}}], "idempotency_key": "once"}"""));
        var ex = Assert.Throws<ArgumentProblemsException>(() =>
            JobSpecReader.ReadBatch(Args($$"""{"items": [{{string.Join(",", Enumerable.Repeat(item, 51))}}]}""")));

        Assert.Single(spec.Items);
        Assert.Equal(["items: 51 given, at most 50 allowed."], ex.Problems);
    }

    [Fact]
    public void ReadPipeline_StepIdLongerThanTheSchemaAllows_IsRefusedNamingTheLimit()
    {
        var schema = ToolInputs.PipelineStart.InputSchema().GetProperty("properties").GetProperty("steps").GetProperty("items").GetProperty("properties").GetProperty("id");
        var max = schema.GetProperty("maxLength").GetInt32();

        var ex = Assert.Throws<ArgumentProblemsException>(() =>
            JobSpecReader.ReadPipeline(Args($$"""{"steps": [{"id": "{{new string('a', max + 1)}}", "model": "acme/flux", "input": {} }] }""")));

        Assert.Equal([$"steps[0].id: a string of {max + 1} characters given, at most {max} allowed."], ex.Problems);
        Assert.Equal("^[A-Za-z_][A-Za-z0-9_-]*$", schema.GetProperty("pattern").GetString());
    }
}
