using System.Text.Json;
using ReplicateMcp.Jobs;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Mcp;

/// <summary>Reads start-tool arguments (also the files of <c>replicate-mcp run</c>) into a <see cref="JobSpec"/>.</summary>
internal static class JobSpecReader
{
    public const int MaxItems = 50;
    public const int MaxSteps = 20;

    public static readonly string[] BatchArguments = ["items", "concurrency", "download", "timeout_ms_per_item", "ttl_hours", "validate"];
    public static readonly string[] PipelineArguments = ["steps", "concurrency", "download", "timeout_ms_per_step", "ttl_hours", "validate"];

    /// <summary>Returns the spec, or throws the tool error naming every problem.</summary>
    public static JobSpec ReadBatch(IDictionary<string, JsonElement>? arguments)
    {
        var args = new ToolArguments(arguments, BatchArguments);
        var items = args.RequiredArray("items", 1, MaxItems, "items, each {\"model\": \"owner/name\", \"input\": {...}}");
        var settings = new JobSettings(
            args.Int("concurrency", 1, 10, 3),
            args.Bool("download", true),
            args.Int("timeout_ms_per_item", 5_000, 1_800_000, 300_000),
            args.Int("ttl_hours", 1, 72, 1),
            args.Bool("validate", true));
        var specs = new List<ItemSpec>();
        for (var i = 0; items is not null && i < items.Length; i++)
        {
            var path = $"items[{i}]";
            var fields = args.ReadObject(path, items[i], ["model", "input"], ["model", "input"], "an item {\"model\": \"owner/name\", \"input\": {...}}");
            if (fields is null) continue;
            var model = fields.TryGetValue("model", out var m) ? args.ReadString($"{path}.model", m, 300, "a model id \"owner/name\" or \"owner/name:version\"") : null;
            var input = fields.TryGetValue("input", out var inp) ? args.ReadInput($"{path}.input", inp) : null;
            if (model is not null && input is not null) specs.Add(new ItemSpec(null, model, input.Value));
        }
        args.ThrowIfInvalid();
        return new JobSpec(JobKind.Batch, specs, settings);
    }

    public static JobSpec ReadPipeline(IDictionary<string, JsonElement>? arguments)
    {
        var args = new ToolArguments(arguments, PipelineArguments);
        var steps = args.RequiredArray("steps", 1, MaxSteps, "steps, each {\"id\", \"model\", \"input\", \"depends_on\"?}");
        var settings = new JobSettings(
            args.Int("concurrency", 1, 5, 3),
            args.Bool("download", true),
            args.Int("timeout_ms_per_step", 5_000, 1_800_000, 300_000),
            args.Int("ttl_hours", 1, 72, 1),
            args.Bool("validate", true));
        var specs = new List<ItemSpec>();
        for (var i = 0; steps is not null && i < steps.Length; i++)
        {
            var fields = args.ReadObject($"steps[{i}]", steps[i], ["id", "model", "input", "depends_on"], ["id", "model", "input"], "a step {\"id\", \"model\", \"input\"}");
            if (fields is null) continue;
            var id = fields.TryGetValue("id", out var idElement) ? args.ReadString($"steps[{i}].id", idElement, 200, "a step id such as \"gen\"") : null;
            // Name the step by its id once the id is usable, as every later message does.
            var path = StepIdSyntax.IsValid(id) ? $"steps[{id}]" : $"steps[{i}]";
            var model = fields.TryGetValue("model", out var m) ? args.ReadString($"{path}.model", m, 300, "a model id \"owner/name\" or \"owner/name:version\"") : null;
            var input = fields.TryGetValue("input", out var inp) ? args.ReadInput($"{path}.input", inp) : null;
            List<string>? dependsOn = null;
            if (fields.TryGetValue("depends_on", out var deps) && deps.ValueKind != JsonValueKind.Null)
            {
                var list = args.ReadArray($"{path}.depends_on", deps, 0, MaxSteps, "step ids");
                dependsOn = list?.Select((d, j) => args.ReadString($"{path}.depends_on[{j}]", d, 200, "a step id")).OfType<string>().ToList();
            }
            if (id is not null && model is not null && input is not null) specs.Add(new ItemSpec(id, model, input.Value, dependsOn));
        }
        args.ThrowIfInvalid();
        return new JobSpec(JobKind.Pipeline, specs, settings);
    }
}
