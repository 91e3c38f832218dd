namespace ReplicateMcp.Templates;

/// <summary>A reference could not be resolved against finished steps; the scheduler fails that step with the message.</summary>
internal sealed class TemplateException(string message, string? reference = null, string? path = null) : Exception(message)
{
    /// <summary>The reference as written, e.g. <c>$gen.urls[3]</c>, when one reference is at fault.</summary>
    public string? Reference { get; } = reference;

    /// <summary>Where in the step input the failure occurred, e.g. <c>images[1]</c>.</summary>
    public string? Path { get; } = path;
}
