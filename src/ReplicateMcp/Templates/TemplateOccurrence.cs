namespace ReplicateMcp.Templates;

/// <summary>A reference and the JSON path (e.g. <c>images[1]</c>, <c>opts.mask</c>) of the string it occurs in.</summary>
internal sealed record TemplateOccurrence(string Path, TemplateReference Reference);
