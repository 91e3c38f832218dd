using System.Text.Json;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Benchmarks;

/// <summary>Job specs built in code, as the MCP layer would build them from tool arguments.</summary>
internal static class Jobs
{
    public const string ImageModel = "black-forest-labs/flux-schnell"; // official: created by name, no version lookup

    /// <summary>download false, validate false: the figures measure scheduling and HTTP, not disk or schema fetches.</summary>
    public static JobSettings Settings(int concurrency) => new(concurrency, Download: false, TimeoutMs: 300_000, TtlHours: 1, Validate: false);

    public static JobSpec Batch(int items, int concurrency) => new(JobKind.Batch,
        [.. Enumerable.Range(0, items).Select(i => new ItemSpec(null, ImageModel, Input($$"""{"prompt": "bench item {{i}}"}""")))],
        Settings(concurrency));

    /// <summary>
    /// 12 steps in four levels (1 → 3 → 5 → 3), wired by <c>depends_on</c> and by references; every step takes the
    /// same time, so the critical path is 4 predictions long. The widest level (5) fits the pipeline concurrency (5).
    /// </summary>
    public static JobSpec Dag12() => new(JobKind.Pipeline,
    [
        Step("gen", """{"prompt": "a fox"}"""),
        Step("a1", """{"prompt": "variation of $gen.urls[0]"}"""),
        Step("a2", """{"prompt": "$gen.prediction_id"}"""),
        Step("a3", """{"prompt": "third"}""", "gen"),
        Step("b1", """{"prompt": "$a1.urls[0]"}"""),
        Step("b2", """{"prompt": "from $a1.prediction_id"}"""),
        Step("b3", """{"prompt": "$a2.urls[0]"}"""),
        Step("b4", """{"prompt": "b4"}""", "a2", "a3"),
        Step("b5", """{"prompt": "$a3.urls[0]"}"""),
        Step("c1", """{"prompt": "$b1.urls[0] and $b2.urls[0]"}"""),
        Step("c2", """{"prompt": "c2"}""", "b3", "b4"),
        Step("c3", """{"prompt": "$b5.urls[0]"}""", "b4"),
    ], Settings(5));

    public const int Dag12Depth = 4;

    /// <summary>A chain of <paramref name="steps"/> steps, each referencing the one before: nothing runs in parallel.</summary>
    public static JobSpec Chain(int steps) => new(JobKind.Pipeline,
        [.. Enumerable.Range(0, steps).Select(i => i == 0
            ? Step("s0", """{"prompt": "start"}""")
            : Step($"s{i}", $$"""{"prompt": "after $s{{i - 1}}.urls[0]"}"""))],
        Settings(5));

    private static ItemSpec Step(string id, string input, params string[] dependsOn) =>
        new(id, ImageModel, Input(input), dependsOn.Length == 0 ? null : dependsOn);

    private static JsonElement Input(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
