using System.Globalization;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>The simulator's models: any owner/name exists (except names with "missing"); a few well-known ones are searchable.</summary>
internal static class SimulatedModelCatalog
{
    private const string CogVersion = "0.9.25";

    /// <summary>A searchable model with the metadata real search results carry.</summary>
    internal sealed record Entry(string Owner, string Name, string Description, string[] Tags, long RunCount)
    {
        public string Id => Owner + "/" + Name;
    }

    /// <summary>The searchable catalogue.</summary>
    public static IReadOnlyList<Entry> Entries { get; } =
    [
        new("black-forest-labs", "flux-schnell", "The fastest image generation model tailored for local development and personal use", ["text-to-image", "image-generation"], 512_394_210),
        new("black-forest-labs", "flux-dev", "A 12 billion parameter rectified flow transformer capable of generating images from text descriptions", ["text-to-image", "image-generation"], 21_843_117),
        new("stability-ai", "sdxl", "A text-to-image generative AI model that creates beautiful images", ["text-to-image", "image-generation"], 79_611_043),
        new("bytedance", "sdxl-lightning-4step", "SDXL-Lightning by ByteDance: a fast text-to-image model that makes high-quality images in 4 steps", ["text-to-image", "fast"], 1_006_385_912),
        new("nightmareai", "real-esrgan", "Real-ESRGAN with optional face correction and adjustable upscale", ["super-resolution", "upscale", "image-restoration"], 71_274_408),
        new("lucataco", "remove-bg", "Remove background from images", ["background-removal", "image-editing"], 9_614_582),
        new("salesforce", "blip", "Generate image captions", ["image-captioning", "image-to-text", "visual-question-answering"], 166_328_117),
        new("meta", "meta-llama-3-8b-instruct", "An 8 billion parameter language model from Meta, fine tuned for chat completions", ["llm", "text-generation", "chat"], 345_112_904),
        new("meta", "meta-llama-3-70b-instruct", "A 70 billion parameter language model from Meta, fine tuned for chat completions", ["llm", "text-generation", "chat"], 160_774_392),
        new("openai", "gpt-4o-mini", "Low latency, low cost version of OpenAI's GPT-4o model", ["llm", "text-generation", "chat"], 4_201_554),
        new("minimax", "video-01", "Generate 6s videos with prompts or images. (Also known as Hailuo)", ["text-to-video", "image-to-video", "video-generation"], 613_207),
        new("lucataco", "hotshot-xl-video", "Make animated GIFs and short videos with Hotshot-XL", ["text-to-video", "animation"], 881_305),
    ];

    /// <summary>The latest version id of <paramref name="model"/>: stable across runs, derived from the name.</summary>
    public static string LatestVersionId(string model) => StableHash.Hex64("simulated-version:" + model.ToLowerInvariant());

    /// <summary>Replicate's model object (GET /models/{owner}/{name}).</summary>
    public static JsonObject Model(string owner, string name)
    {
        var id = owner + "/" + name;
        var entry = Find(id);
        var family = ModelFamilies.Classify(id);
        return new JsonObject
        {
            ["url"] = "https://replicate.com/" + id,
            ["owner"] = owner,
            ["name"] = name,
            ["description"] = entry?.Description ?? $"Simulated {family.ToString().ToLowerInvariant()} model {id} (offline simulator).",
            ["visibility"] = "public",
            ["github_url"] = null,
            ["paper_url"] = null,
            ["license_url"] = null,
            ["cover_image_url"] = null,
            ["run_count"] = entry?.RunCount ?? (long)(StableHash.Seed(id.ToLowerInvariant()) % 100_000),
            ["is_official"] = ModelFamilies.IsOfficial(owner),
            ["default_example"] = new JsonObject
            {
                ["model"] = id,
                ["input"] = SimulatedSchemas.ExampleInput(family),
                ["status"] = "succeeded",
            },
            ["latest_version"] = Version(id, LatestVersionId(id)),
        };
    }

    /// <summary>Replicate's version object (GET /models/{owner}/{name}/versions/{id}).</summary>
    public static JsonObject Version(string model, string versionId)
    {
        // A fixed date per version keeps repeated reads (and test snapshots) identical.
        var created = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero).AddDays((double)(StableHash.Seed(versionId) % 365));
        return new JsonObject
        {
            ["id"] = versionId,
            ["created_at"] = SimulatorJson.Timestamp(created),
            ["cog_version"] = CogVersion,
            ["openapi_schema"] = SimulatedSchemas.OpenApi(ModelFamilies.Classify(model)),
        };
    }

    /// <summary>GET /search: catalogue models whose name, description or tags contain every word of the query.</summary>
    public static JsonObject Search(string query, int limit)
    {
        var words = query.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hits = Entries
            .Select(e => (Entry: e, Haystack: $"{e.Id} {e.Description} {string.Join(' ', e.Tags)}".ToLowerInvariant()))
            .Where(h => words.All(h.Haystack.Contains))
            .Select(h => (h.Entry, Score: Score(h.Entry, words)))
            .OrderByDescending(h => h.Score)
            .ThenByDescending(h => h.Entry.RunCount)
            .Take(limit);

        var models = new JsonArray();
        foreach (var (entry, score) in hits)
        {
            models.Add((JsonNode)new JsonObject
            {
                ["model"] = Model(entry.Owner, entry.Name),
                ["metadata"] = new JsonObject
                {
                    ["score"] = score,
                    ["tags"] = new JsonArray([.. entry.Tags.Select(t => (JsonNode?)t)]),
                    ["generated_description"] = entry.Description,
                },
            });
        }

        return new JsonObject
        {
            ["query"] = query,
            ["models"] = models,
            ["collections"] = new JsonArray(),
            ["pages"] = new JsonArray(),
        };
    }

    private static Entry? Find(string id) => Entries.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase));

    // Matches in the name count more than matches in the description, as a real ranking would.
    private static double Score(Entry entry, string[] words) =>
        Math.Round(1 + words.Count(w => entry.Id.Contains(w, StringComparison.OrdinalIgnoreCase)) + (Math.Log10(entry.RunCount + 1) / 10), 4, MidpointRounding.AwayFromZero);

    /// <summary>The catalogue model whose latest version is <paramref name="versionId"/>, if any.</summary>
    public static string? ModelOfVersion(string versionId) =>
        Entries.Select(e => e.Id).FirstOrDefault(id => string.Equals(LatestVersionId(id), versionId, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a search limit the way the API reads it: 1–50, default 20.</summary>
    public static int ParseLimit(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 50) : 20;
}
