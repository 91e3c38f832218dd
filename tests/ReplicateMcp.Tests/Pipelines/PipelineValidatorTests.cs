using System.Text.Json.Nodes;
using ReplicateMcp.Pipelines;

namespace ReplicateMcp.Tests.Pipelines;

public sealed class PipelineValidatorTests
{
    private static PipelineStepDefinition Step(string id, string input = "{}", params string[] dependsOn) =>
        new(id, "owner/model", JsonNode.Parse(input)!.AsObject(), dependsOn.Length == 0 ? null : dependsOn);

    private static PipelinePlan Validate(bool download, params PipelineStepDefinition[] steps) =>
        PipelineValidator.Validate(steps, download);

    [Fact]
    public void Validate_ValidChain_ReturnsDependenciesAndOrder()
    {
        var plan = Validate(false,
            Step("up", """{"image": "$gen.urls[0]"}"""),
            Step("gen", """{"prompt": "a cat, costs $5 or $$6"}"""));

        Assert.True(plan.IsValid);
        Assert.Empty(plan.Errors);
        Assert.Equal(["gen"], plan.Dependencies["up"]);
        Assert.Empty(plan.Dependencies["gen"]);
        Assert.Equal(["gen", "up"], plan.Order);
    }

    [Fact]
    public void Validate_Diamond_EffectiveDependenciesAreSortedUnionOfDeclaredAndReferenced()
    {
        var plan = Validate(true,
            Step("top"),
            Step("left", """{"image": "$top.urls[0]"}"""),
            Step("right", "{}", "top"),
            Step("merge", """{"a": "$right.local_paths[0]", "b": ["$left.urls[0]", "$right.urls[0]"]}""", "top", "right", "top"));

        Assert.True(plan.IsValid, string.Join("\n", plan.Errors));
        Assert.Equal(["left", "right", "top"], plan.Dependencies["merge"]);
        Assert.Equal(["top"], plan.Dependencies["left"]);
        Assert.Equal(["top"], plan.Dependencies["right"]);
        Assert.Equal(["top", "left", "right", "merge"], plan.Order);
    }

    [Fact]
    public void Validate_DuplicateIds_NamesBothIndexes()
    {
        var plan = Validate(false, Step("gen"), Step("up"), Step("gen"));

        Assert.Equal(["steps[gen].id: \"gen\" is used by steps 0 and 2; ids must be unique"], plan.Errors);
        Assert.Empty(plan.Order);
        Assert.Empty(plan.Dependencies);
    }

    [Fact]
    public void Validate_ThreeDuplicates_ListsAllIndexes()
    {
        var plan = Validate(false, Step("a"), Step("a"), Step("b"), Step("a"));

        Assert.Equal(["steps[a].id: \"a\" is used by steps 0, 1 and 3; ids must be unique"], plan.Errors);
    }

    [Theory]
    [InlineData("../etc", "\"../etc\"")]
    [InlineData("", "\"\"")]
    [InlineData("1abc", "\"1abc\"")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("line\nbreak", "\"line\\nbreak\"")]
    public void Validate_BadId_NamesIndexValueAndAllowedForm(string id, string shown)
    {
        var plan = Validate(false, Step("gen"), Step("up"), Step(id));

        Assert.Equal(
            [$"steps[2].id: {shown} is not a valid step id; use letters, digits, '_' and '-', starting with a letter or '_' (at most 64 characters)"],
            plan.Errors);
    }

    [Fact]
    public void Validate_IdTooLong_IsRefusedAndEchoTruncated()
    {
        var plan = Validate(false, Step(new string('a', 65)));

        var error = Assert.Single(plan.Errors);
        Assert.StartsWith($"steps[0].id: \"{new string('a', 80)[..65]}\" is not a valid step id", error);

        var huge = Validate(false, Step(new string('b', 300) + "/")).Errors[0];
        Assert.Contains($"\"{new string('b', 80)}…\"", huge);
        Assert.True(huge.Length < 250, huge);
    }

    [Fact]
    public void Validate_MaxLengthId_IsAccepted()
    {
        Assert.True(Validate(false, Step(new string('a', 64))).IsValid);
    }

    [Fact]
    public void Validate_NullId_IsReportedByIndex()
    {
        var plan = Validate(false, new PipelineStepDefinition(null!, "o/m", [], null));

        Assert.Equal(["steps[0].id: null is not a valid step id; use letters, digits, '_' and '-', starting with a letter or '_' (at most 64 characters)"], plan.Errors);
    }

    [Fact]
    public void Validate_UnknownDependsOn_ListsKnownSteps()
    {
        var plan = Validate(false, Step("gen"), Step("up", "{}", "gen", "gne"));

        Assert.Equal(["steps[up].depends_on[1]: \"gne\" is not a known step; known steps: gen, up"], plan.Errors);
    }

    [Fact]
    public void Validate_DependsOnItself_IsError()
    {
        var plan = Validate(false, Step("gen", "{}", "gen"));

        Assert.Equal(["steps[gen].depends_on[0]: \"gen\" is the step itself; a step cannot depend on itself"], plan.Errors);
    }

    [Fact]
    public void Validate_ReferenceToUnknownStep_NamesPathReferenceAndKnownSteps()
    {
        var plan = Validate(false, Step("gen"), Step("up", """{"image": "$gne.urls[0]"}"""));

        Assert.Equal(["steps[up].input.image: $gne.urls[0] refers to unknown step 'gne'; known steps: gen, up"], plan.Errors);
    }

    [Fact]
    public void Validate_ReferenceToUnknownField_ListsAllowedFields()
    {
        var plan = Validate(false, Step("gen"), Step("up", """{"opts": {"mask": "$gen.url[0]"}}"""));

        Assert.Equal(
            ["steps[up].input.opts.mask: $gen.url[0] uses unknown field 'url'; fields are urls, local_paths, text_output, output, prediction_id, metrics"],
            plan.Errors);
    }

    [Fact]
    public void Validate_SelfReference_IsError()
    {
        var plan = Validate(false, Step("gen", """{"images": ["x", "$gen.urls[0]"]}"""));

        Assert.Equal(["steps[gen].input.images[1]: $gen.urls[0] refers to step 'gen' itself; a step can only use the outputs of other steps"], plan.Errors);
    }

    [Fact]
    public void Validate_SyntaxError_NamesStepPathAndDollarEscape()
    {
        var plan = Validate(false, Step("gen"), Step("up", """{"prompt": "like $gen but bigger"}"""));

        var error = Assert.Single(plan.Errors);
        Assert.StartsWith("steps[up].input.prompt: \"$gen\" is not a complete reference: expected $gen.<field>", error);
        Assert.Contains("write $$ for a literal $", error);
    }

    [Fact]
    public void Validate_LocalPathsWithoutDownload_SuggestsDownloadOrUrls()
    {
        var plan = Validate(false, Step("gen"), Step("up", """{"image": "$gen.local_paths[0]"}"""));

        Assert.Equal(
            ["steps[up].input.image: $gen.local_paths[0] needs downloaded files, but download is false; set download to true or use $gen.urls[0]"],
            plan.Errors);
    }

    [Fact]
    public void Validate_LocalPathsWithDownload_IsAccepted()
    {
        var plan = Validate(true, Step("gen"), Step("up", """{"image": "$gen.local_paths[0]"}"""));

        Assert.True(plan.IsValid);
    }

    [Fact]
    public void Validate_Cycle_NamesStepsInOrder()
    {
        var plan = Validate(false,
            Step("b", """{"x": "$c.urls[0]"}"""),
            Step("a", "{}", "b"),
            Step("c", "{}", "a"),
            Step("free"));

        Assert.Equal(["cycle: a → b → c → a; each step depends on the next, so none of them can start"], plan.Errors);
        Assert.Empty(plan.Order);
    }

    [Fact]
    public void Validate_TwoCycles_ReportsEachOnce()
    {
        var plan = Validate(false,
            Step("a", "{}", "b"),
            Step("b", "{}", "a"),
            Step("x", """{"p": "$y.text_output[0] $y.output"}"""),
            Step("y", "{}", "x"));

        Assert.Equal(
            ["cycle: a → b → a; each step depends on the next, so none of them can start",
             "cycle: x → y → x; each step depends on the next, so none of them can start"],
            plan.Errors);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsAllTogether()
    {
        var plan = Validate(false,
            Step("gen", """{"prompt": "$gen"}"""),
            Step("gen"),
            Step("bad id"),
            Step("up", """{"image": "$gne.urls[0]", "mask": "$gen.local_paths[0]"}""", "nope"),
            Step("p", "{}", "q"),
            Step("q", "{}", "p"));

        Assert.Equal(7, plan.Errors.Count);
        Assert.Contains(plan.Errors, e => e.StartsWith("steps[2].id: \"bad id\" is not a valid step id", StringComparison.Ordinal));
        Assert.Contains("steps[gen].id: \"gen\" is used by steps 0 and 1; ids must be unique", plan.Errors);
        Assert.Contains(plan.Errors, e => e.StartsWith("steps[gen].input.prompt: \"$gen\" is not a complete reference", StringComparison.Ordinal));
        Assert.Contains("steps[up].depends_on[0]: \"nope\" is not a known step; known steps: gen, p, q, up", plan.Errors);
        Assert.Contains("steps[up].input.image: $gne.urls[0] refers to unknown step 'gne'; known steps: gen, p, q, up", plan.Errors);
        Assert.Contains(plan.Errors, e => e.StartsWith("steps[up].input.mask: $gen.local_paths[0] needs downloaded files", StringComparison.Ordinal));
        Assert.Contains(plan.Errors, e => e.StartsWith("cycle: p → q → p", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ProblemsInStepWithBadId_AreNamedByIndex()
    {
        var plan = Validate(false, Step("gen"), Step("x/y", """{"image": "$nope.urls"}""", "missing"));

        Assert.Contains("steps[1].depends_on[0]: \"missing\" is not a known step; known steps: gen", plan.Errors);
        Assert.Contains("steps[1].input.image: $nope.urls refers to unknown step 'nope'; known steps: gen", plan.Errors);
    }

    [Fact]
    public void Validate_IndependentSteps_KeepDeclarationOrder()
    {
        var plan = Validate(false, Step("z"), Step("m", """{"a": "$z.output"}"""), Step("a"));

        Assert.Equal(["z", "m", "a"], plan.Order);
        Assert.Equal(["z"], plan.Dependencies["m"]);
    }
}
