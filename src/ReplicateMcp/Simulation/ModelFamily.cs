namespace ReplicateMcp.Simulation;

/// <summary>What kind of output a simulated model produces.</summary>
internal enum ModelFamily
{
    Image,
    Text,
    Video,
}

/// <summary>Naming rules that decide how a simulated model behaves.</summary>
internal static class ModelFamilies
{
    private static readonly string[] TextMarkers = ["llama", "gpt", "claude", "llm", "instruct", "chat", "blip", "caption", "text"];

    private static readonly HashSet<string> OfficialOwners = new(StringComparer.OrdinalIgnoreCase)
    {
        "black-forest-labs", "meta", "google", "openai", "anthropic", "ideogram-ai",
        "minimax", "bytedance", "stability-ai", "recraft-ai", "luma", "kwaivgi",
    };

    /// <summary>The output family of <paramref name="model"/> ("owner/name").</summary>
    public static ModelFamily Classify(string model)
    {
        var name = model.ToLowerInvariant();
        if (name.Contains("video"))
        {
            return ModelFamily.Video;
        }

        return TextMarkers.Any(name.Contains) ? ModelFamily.Text : ModelFamily.Image;
    }

    /// <summary>Models named with "fail" run normally and then fail, so error paths can be exercised offline.</summary>
    public static bool Fails(string model) => model.Contains("fail", StringComparison.OrdinalIgnoreCase);

    /// <summary>Models named with "missing" do not exist, so 404 paths can be exercised offline.</summary>
    public static bool IsMissing(string model) => model.Contains("missing", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether Replicate maintains the owner's models (they are run by model name, not version).</summary>
    public static bool IsOfficial(string owner) => OfficialOwners.Contains(owner);

    /// <summary>Caption models describe an image rather than answer a prompt.</summary>
    public static bool IsCaptioner(string model) =>
        model.Contains("blip", StringComparison.OrdinalIgnoreCase) || model.Contains("caption", StringComparison.OrdinalIgnoreCase);
}
