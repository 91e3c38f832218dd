using ReplicateMcp.Templates;

namespace ReplicateMcp.Tests.Templates;

public sealed class TemplateScannerTests
{
    [Fact]
    public void Parse_WholeReference_IsSingleReference()
    {
        var parsed = TemplateScanner.Parse("$gen.urls[0]");

        Assert.True(parsed.IsSingleReference);
        var reference = Assert.Single(parsed.References);
        Assert.Equal("gen", reference.StepId);
        Assert.Equal("urls", reference.Field);
        Assert.Equal(0, reference.Index);
        Assert.Empty(reference.Keys);
        Assert.Equal("$gen.urls[0]", reference.Text);
    }

    [Fact]
    public void Parse_IndexThenKeys_CapturesAllSegments()
    {
        var reference = Assert.Single(TemplateScanner.Parse("$cap.output[2].caption.en-US").References);

        Assert.Equal("cap", reference.StepId);
        Assert.Equal("output", reference.Field);
        Assert.Equal(2, reference.Index);
        Assert.Equal(["caption", "en-US"], reference.Keys);
        Assert.Equal("$cap.output[2].caption.en-US", reference.Text);
    }

    [Fact]
    public void Parse_StepIdWithHyphenAndUnderscore_IsReference()
    {
        var reference = Assert.Single(TemplateScanner.Parse("$_up-scale_2.prediction_id").References);

        Assert.Equal("_up-scale_2", reference.StepId);
        Assert.Equal("prediction_id", reference.Field);
        Assert.Null(reference.Index);
    }

    [Fact]
    public void Parse_ReferenceInsideText_SplitsLiteralAndReference()
    {
        var parsed = TemplateScanner.Parse("a photo of $cap.text_output[0], in oil");

        Assert.False(parsed.IsSingleReference);
        Assert.True(parsed.HasReferences);
        Assert.Collection(parsed.Parts,
            p => Assert.Equal("a photo of ", Assert.IsType<LiteralTemplatePart>(p).Text),
            p => Assert.Equal("$cap.text_output[0]", Assert.IsType<ReferenceTemplatePart>(p).Reference.Text),
            p => Assert.Equal(", in oil", Assert.IsType<LiteralTemplatePart>(p).Text));
    }

    [Theory]
    [InlineData("see $gen.urls[0].", "$gen.urls[0]", ".")]
    [InlineData("see $gen.urls.", "$gen.urls", ".")]
    [InlineData("($gen.output.caption)", "$gen.output.caption", ")")]
    [InlineData("see $gen.urls[0][1]", "$gen.urls[0]", "[1]")]
    [InlineData("$gen.output.a.b, then", "$gen.output.a.b", ", then")]
    public void Parse_TrailingPunctuation_EndsReference(string text, string expectedReference, string expectedTail)
    {
        var parsed = TemplateScanner.Parse(text);

        Assert.Empty(parsed.Errors);
        Assert.Equal(expectedReference, Assert.Single(parsed.References).Text);
        Assert.Equal(expectedTail, Assert.IsType<LiteralTemplatePart>(parsed.Parts[^1]).Text);
    }

    [Theory]
    [InlineData("costs $$5", "costs $5")]
    [InlineData("$$gen.urls", "$gen.urls")]
    [InlineData("costs $5", "costs $5")]
    [InlineData("a $ b", "a $ b")]
    [InlineData("ends with $", "ends with $")]
    [InlineData("$$$$", "$$")]
    [InlineData("no dollars at all", "no dollars at all")]
    public void Parse_LiteralDollars_StayText(string text, string expected)
    {
        var parsed = TemplateScanner.Parse(text);

        Assert.Empty(parsed.Errors);
        Assert.False(parsed.HasReferences);
        Assert.Equal(expected, Assert.IsType<LiteralTemplatePart>(Assert.Single(parsed.Parts)).Text);
    }

    [Fact]
    public void Parse_EscapedDollarBeforeReference_KeepsBoth()
    {
        var parsed = TemplateScanner.Parse("$$$gen.urls[0]");

        Assert.Equal("$", Assert.IsType<LiteralTemplatePart>(parsed.Parts[0]).Text);
        Assert.Equal("$gen.urls[0]", Assert.IsType<ReferenceTemplatePart>(parsed.Parts[1]).Reference.Text);
    }

    [Theory]
    [InlineData("$gen", "\"$gen\"")]
    [InlineData("use $gen for this", "\"$gen\"")]
    [InlineData("$gen.", "\"$gen.\"")]
    [InlineData("$gen.5", "\"$gen.\"")]
    public void Parse_ReferenceWithoutField_IsError(string text, string shown)
    {
        var parsed = TemplateScanner.Parse(text);

        var error = Assert.Single(parsed.Errors);
        Assert.False(parsed.IsSingleReference);
        Assert.StartsWith(shown + " is not a complete reference", error.Message);
        Assert.Contains("expected $gen.<field>", error.Message);
        Assert.Contains("urls, local_paths, text_output, output, prediction_id, metrics", error.Message);
        Assert.Contains("$$ for a literal $", error.Message);
    }

    [Theory]
    [InlineData("$gen.urls[x]", "\"$gen.urls[x]\"")]
    [InlineData("$gen.urls[-1] tail", "\"$gen.urls[-1]\"")]
    [InlineData("$gen.urls[", "\"$gen.urls[\"")]
    public void Parse_MalformedIndex_IsError(string text, string shown)
    {
        var error = Assert.Single(TemplateScanner.Parse(text).Errors);

        Assert.StartsWith(shown + " has a malformed index", error.Message);
        Assert.Contains("[<n>]", error.Message);
        Assert.Contains("$$", error.Message);
    }

    [Fact]
    public void Parse_IndexTooLarge_IsError()
    {
        var error = Assert.Single(TemplateScanner.Parse("$gen.urls[99999999999]").Errors);

        Assert.Contains("too large", error.Message);
    }

    [Fact]
    public void Parse_UnknownField_ParsesSoValidationCanNameIt()
    {
        var reference = Assert.Single(TemplateScanner.Parse("$gen.url[0]").References);

        Assert.Equal("url", reference.Field);
    }

    [Fact]
    public void Parse_SeveralErrorsAndReferences_ReportsAll()
    {
        var parsed = TemplateScanner.Parse("$a and $b.urls and $c");

        Assert.Equal(2, parsed.Errors.Count);
        Assert.Equal("$a", parsed.Errors[0].Text);
        Assert.Equal("$c", parsed.Errors[1].Text);
        Assert.Equal("$b.urls", Assert.Single(parsed.References).Text);
    }
}
