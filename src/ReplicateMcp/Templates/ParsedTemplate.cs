namespace ReplicateMcp.Templates;

/// <summary>A scanned string: its literal and reference parts, plus any syntax errors.</summary>
internal sealed record ParsedTemplate(IReadOnlyList<TemplatePart> Parts, IReadOnlyList<TemplateSyntaxError> Errors)
{
    /// <summary>True when the whole string is one reference, so it resolves to the referenced value with its type.</summary>
    public bool IsSingleReference => Errors.Count == 0 && Parts is [ReferenceTemplatePart];

    public bool HasReferences => Parts.Any(p => p is ReferenceTemplatePart);

    public IEnumerable<TemplateReference> References => Parts.OfType<ReferenceTemplatePart>().Select(p => p.Reference);
}
