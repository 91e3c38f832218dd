namespace ReplicateMcp.Templates;

/// <summary>Every reference and every syntax error found in a step input.</summary>
internal sealed record TemplateScan(IReadOnlyList<TemplateOccurrence> References, IReadOnlyList<LocatedTemplateError> Errors);
