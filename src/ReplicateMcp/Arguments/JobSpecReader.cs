using System.Text.Json;
using ReplicateMcp.Jobs;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Arguments;

/// <summary>Reads start-tool arguments (also the files of <c>replicate-mcp run</c>) into a <see cref="JobSpec"/>.</summary>
internal static class JobSpecReader
{
    /// <summary>Returns the spec, or throws <see cref="ArgumentProblemsException"/> naming every problem.</summary>
    public static JobSpec ReadBatch(IDictionary<string, JsonElement>? arguments)
    {
        var args = ToolInputs.BatchStart.Read(arguments);
        var items = args.Read(ToolInputs.Items);
        var settings = ToolInputs.BatchSettings.Read(args);
        var key = args.Read(ToolInputs.IdempotencyKey);
        var specs = new List<ItemSpec>();
        for (var i = 0; items is not null && i < items.Length; i++)
        {
            var path = $"items[{i}]";
            var fields = args.ReadObject(path, items[i], ToolInputs.Item);
            if (fields is null) continue;
            var model = fields.TryGetValue("model", out var m) ? args.ReadString($"{path}.model", m, ToolInputs.ItemModel) : null;
            var input = fields.TryGetValue("input", out var inp) ? args.ReadInput($"{path}.input", inp) : null;
            if (model is not null && input is not null) specs.Add(new ItemSpec(null, model, input.Value));
        }
        args.ThrowIfInvalid();
        return new JobSpec(JobKind.Batch, specs, settings, key);
    }

    public static JobSpec ReadPipeline(IDictionary<string, JsonElement>? arguments)
    {
        var args = ToolInputs.PipelineStart.Read(arguments);
        var steps = args.Read(ToolInputs.Steps);
        var settings = ToolInputs.PipelineSettings.Read(args);
        var key = args.Read(ToolInputs.IdempotencyKey);
        var specs = new List<ItemSpec>();
        for (var i = 0; steps is not null && i < steps.Length; i++)
        {
            var fields = args.ReadObject($"steps[{i}]", steps[i], ToolInputs.Step);
            if (fields is null) continue;
            var id = fields.TryGetValue("id", out var idElement) ? args.ReadString($"steps[{i}].id", idElement, ToolInputs.StepId) : null;
            var path = StepIdSyntax.Path(id, i);
            var model = fields.TryGetValue("model", out var m) ? args.ReadString($"{path}.model", m, ToolInputs.ItemModel) : null;
            var input = fields.TryGetValue("input", out var inp) ? args.ReadInput($"{path}.input", inp) : null;
            List<string>? dependsOn = null;
            if (fields.TryGetValue("depends_on", out var deps) && deps.ValueKind != JsonValueKind.Null)
            {
                var list = args.ReadArray($"{path}.depends_on", deps, ToolInputs.DependsOn);
                dependsOn = list?.Select((d, j) => args.ReadString($"{path}.depends_on[{j}]", d, ToolInputs.DependencyId)).OfType<string>().ToList();
            }
            if (id is not null && model is not null && input is not null) specs.Add(new ItemSpec(id, model, input.Value, dependsOn));
        }
        args.ThrowIfInvalid();
        return new JobSpec(JobKind.Pipeline, specs, settings, key);
    }
}
