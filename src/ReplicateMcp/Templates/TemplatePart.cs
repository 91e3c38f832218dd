namespace ReplicateMcp.Templates;

/// <summary>A piece of a scanned string: either literal text or a reference.</summary>
internal abstract record TemplatePart;

/// <summary>Literal text, with every <c>$$</c> already turned into <c>$</c>.</summary>
internal sealed record LiteralTemplatePart(string Text) : TemplatePart;

/// <summary>A reference to a finished step's field.</summary>
internal sealed record ReferenceTemplatePart(TemplateReference Reference) : TemplatePart;
