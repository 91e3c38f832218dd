namespace ReplicateMcp.Templates;

/// <summary>A syntax error and the JSON path of the string it occurs in.</summary>
internal sealed record LocatedTemplateError(string Path, TemplateSyntaxError Error)
{
    /// <summary>The error prefixed with its path, e.g. <c>opts.mask: "$gen" is not a complete reference…</c>.</summary>
    public string Message => Path.Length == 0 ? Error.Message : $"{Path}: {Error.Message}";
}
