namespace ReplicateMcp.Templates;

/// <summary>One parsed <c>$step.field[n].key</c> reference; <see cref="Text"/> is exactly what the user wrote.</summary>
internal sealed record TemplateReference(string StepId, string Field, int? Index, IReadOnlyList<string> Keys, string Text);
