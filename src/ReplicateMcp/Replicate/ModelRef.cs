using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ReplicateMcp.Replicate;

/// <summary>A model id as users write it: <c>owner/name</c> or <c>owner/name:version</c>.</summary>
internal sealed partial record ModelRef(string Owner, string Name, string? Version)
{
    public const string FormHint =
        "use the full Replicate id 'owner/name' or 'owner/name:<64-hex version>' (find one with replicate_search_models, check its inputs with replicate_get_model_schema)";

    public string FullName => $"{Owner}/{Name}";

    public override string ToString() => Version is null ? FullName : $"{FullName}:{Version}";

    /// <summary>Parses strictly, because the parts end up in URL paths.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelRef? model)
    {
        model = null;
        if (text is null || text.Length > 200) return false;
        var match = ModelPattern().Match(text);
        if (!match.Success) return false;
        model = new ModelRef(match.Groups["owner"].Value, match.Groups["name"].Value,
            match.Groups["version"].Success ? match.Groups["version"].Value.ToLowerInvariant() : null);
        return true;
    }

    [GeneratedRegex(@"^(?<owner>[A-Za-z0-9][A-Za-z0-9_.-]{0,99})/(?<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,99})(?::(?<version>[0-9a-fA-F]{64}))?$")]
    private static partial Regex ModelPattern();
}
