namespace ReplicateMcp.Templates;

/// <summary>A malformed reference in one string: where it starts, the offending text and what was expected.</summary>
internal sealed record TemplateSyntaxError(int Offset, string Text, string Message);
