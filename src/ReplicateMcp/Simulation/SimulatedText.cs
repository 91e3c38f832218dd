namespace ReplicateMcp.Simulation;

/// <summary>Deterministic token streams for simulated text models.</summary>
internal static class SimulatedText
{
    private static readonly string[] Adjectives = ["small", "bright", "quiet", "golden", "curious", "red", "gentle", "misty", "wooden", "playful"];
    private static readonly string[] Nouns = ["corgi", "lighthouse", "teapot", "fox", "bicycle", "mountain", "robot", "garden", "sailboat", "cat"];
    private static readonly string[] Places = ["beach", "table", "meadow", "street", "window", "forest", "studio", "harbour", "desk", "field"];
    private static readonly string[] Verbs = ["shows", "suggests", "describes", "recalls", "frames", "explores"];

    /// <summary>The output tokens: a caption for caption models, otherwise a short reply echoing the prompt.</summary>
    public static string[] Tokens(string model, string? prompt, int? maxTokens, ulong seed)
    {
        var words = ModelFamilies.IsCaptioner(model) ? Caption(seed) : Reply(prompt, seed);

        // Like a real token stream: the first word bare, every later one carries its leading space.
        var tokens = words.Select((w, i) => i == 0 ? w : " " + w);
        return [.. maxTokens is > 0 and var max ? tokens.Take(max) : tokens];
    }

    /// <summary>A rough token count of the prompt text.</summary>
    public static int CountInputTokens(string? prompt, string? systemPrompt) =>
        1 + CountWords(prompt) + CountWords(systemPrompt);

    private static List<string> Caption(ulong seed) =>
        ["a", "photograph", "of", "a", Pick(Adjectives, seed, 0), Pick(Nouns, seed, 1), "on", "a", Pick(Adjectives, seed, 2), Pick(Places, seed, 3) + "."];

    private static List<string> Reply(string? prompt, ulong seed)
    {
        var topic = (prompt ?? "")
            .Split((char[])[' ', '\n', '\t', ',', '.', '?', '!', ':', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 3)
            .Take(3)
            .Select(w => w.ToLowerInvariant())
            .ToList();
        if (topic.Count == 0)
        {
            topic.Add(Pick(Nouns, seed, 4));
        }

        return ["Simulated", "answer", "about", .. topic, ":", "a", Pick(Adjectives, seed, 0), Pick(Nouns, seed, 1),
            Pick(Verbs, seed, 2), "the", Pick(Places, seed, 3) + "."];
    }

    private static string Pick(string[] words, ulong seed, ulong slot) => words[StableHash.Mix(seed, slot) % (ulong)words.Length];

    private static int CountWords(string? text) =>
        text is null ? 0 : text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
}
