using ReplicateMcp.Templates;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Pipelines;

/// <summary>Checks a pipeline's structure before any prediction is created and reports every problem at once.</summary>
internal static class PipelineValidator
{
    public static PipelinePlan Validate(IReadOnlyList<PipelineStepDefinition> steps, bool download)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var errors = new List<string>();
        var indexesById = CheckIds(steps, errors);
        var known = indexesById.Count == 0 ? "none" : string.Join(", ", indexesById.Keys.Order(StringComparer.Ordinal));

        // Keyed by the first step with each valid id; a duplicate is already an error, so its edges don't matter.
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not { } step)
            {
                continue;
            }

            var id = StepIdSyntax.IsValid(step.Id) ? step.Id : null;
            var name = StepIdSyntax.Path(id, i);
            var dependencies = new SortedSet<string>(StringComparer.Ordinal);
            CheckDependsOn(step, id, name, indexesById, known, dependencies, errors);
            CheckReferences(step, id, name, download, indexesById, known, dependencies, errors);
            if (id is not null && indexesById[id][0] == i)
            {
                graph[id] = dependencies;
            }
        }

        errors.AddRange(FindCycles(graph).Select(c =>
            $"cycle: {string.Join(" → ", c)}; each step depends on the next, so none of them can start"));

        if (errors.Count > 0)
        {
            return new PipelinePlan(errors, new Dictionary<string, IReadOnlyList<string>>(), []);
        }

        var effective = graph.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
        return new PipelinePlan([], effective, TopologicalOrder(steps, graph));
    }

    private static Dictionary<string, List<int>> CheckIds(IReadOnlyList<PipelineStepDefinition> steps, List<string> errors)
    {
        var indexesById = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not { } step)
            {
                errors.Add($"steps[{i}]: null given, expected a step object with id, model and input");
                continue;
            }

            if (!StepIdSyntax.IsValid(step.Id))
            {
                errors.Add($"steps[{i}].id: {DisplayText.Quote(step.Id)} is not a valid step id; {StepIdSyntax.Description}");
                continue;
            }

            if (!indexesById.TryGetValue(step.Id, out var indexes))
            {
                indexesById[step.Id] = indexes = [];
            }

            indexes.Add(i);
        }

        foreach (var (id, indexes) in indexesById.Where(p => p.Value.Count > 1))
        {
            var list = string.Join(", ", indexes.Take(indexes.Count - 1)) + " and " + indexes[^1];
            errors.Add($"steps[{id}].id: \"{id}\" is used by steps {list}; ids must be unique");
        }

        return indexesById;
    }

    private static void CheckDependsOn(PipelineStepDefinition step, string? id, string name,
        Dictionary<string, List<int>> indexesById, string known, SortedSet<string> dependencies, List<string> errors)
    {
        if (step.DependsOn is not { } dependsOn)
        {
            return;
        }

        for (var j = 0; j < dependsOn.Count; j++)
        {
            var target = dependsOn[j];
            if (target is not null && target == id)
            {
                errors.Add($"{name}.depends_on[{j}]: \"{id}\" is the step itself; a step cannot depend on itself");
            }
            else if (target is null || !indexesById.ContainsKey(target))
            {
                errors.Add($"{name}.depends_on[{j}]: {DisplayText.Quote(target)} is not a known step; known steps: {known}");
            }
            else
            {
                dependencies.Add(target);
            }
        }
    }

    private static void CheckReferences(PipelineStepDefinition step, string? id, string name, bool download,
        Dictionary<string, List<int>> indexesById, string known, SortedSet<string> dependencies, List<string> errors)
    {
        var scan = TemplateResolver.FindReferences(step.Input);
        var input = $"{name}.input";
        errors.AddRange(scan.Errors.Select(e => $"{JsonPath.Join(input, e.Path)}: {e.Error.Message}"));

        foreach (var (path, reference) in scan.References)
        {
            var where = JsonPath.Join(input, path);
            var text = DisplayText.Truncate(reference.Text);
            if (reference.StepId == id)
            {
                errors.Add($"{where}: {text} refers to step '{id}' itself; a step can only use the outputs of other steps");
            }
            else if (!indexesById.ContainsKey(reference.StepId))
            {
                errors.Add($"{where}: {text} refers to unknown step '{DisplayText.Truncate(reference.StepId)}'; known steps: {known}");
            }
            else
            {
                dependencies.Add(reference.StepId);
            }

            if (!TemplateFields.IsKnown(reference.Field))
            {
                errors.Add($"{where}: {text} uses unknown field '{DisplayText.Truncate(reference.Field)}'; fields are {TemplateFields.List}");
            }
            else if (reference.Field == TemplateFields.LocalPaths && !download)
            {
                // Offer the same reference on urls, which exist whether or not files are downloaded.
                var prefix = $"${reference.StepId}.{TemplateFields.LocalPaths}";
                var urls = $"${reference.StepId}.{TemplateFields.Urls}{reference.Text[prefix.Length..]}";
                errors.Add($"{where}: {text} needs downloaded files, but download is false; " +
                    $"set download to true or use {DisplayText.Truncate(urls)}");
            }
        }
    }

    /// <summary>Each distinct cycle once, as ids in dependency order, closed by repeating the first id.</summary>
    private static List<List<string>> FindCycles(Dictionary<string, SortedSet<string>> graph)
    {
        var cycles = new List<List<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = on the stack, true = done
        var stack = new List<string>();

        void Visit(string node)
        {
            state[node] = false;
            stack.Add(node);
            foreach (var next in graph[node].Where(graph.ContainsKey))
            {
                if (!state.TryGetValue(next, out var done))
                {
                    Visit(next);
                }
                else if (!done)
                {
                    var cycle = stack[stack.IndexOf(next)..];

                    // Rotate to start at the smallest id so the same cycle found from elsewhere matches.
                    var start = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                    List<string> rotated = [.. cycle[start..], .. cycle[..start]];
                    if (seen.Add(string.Join('\0', rotated)))
                    {
                        cycles.Add([.. rotated, rotated[0]]);
                    }
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[node] = true;
        }

        foreach (var node in graph.Keys)
        {
            if (!state.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;
    }

    /// <summary>Steps in an order where every dependency comes first, ties kept in declaration order.</summary>
    private static List<string> TopologicalOrder(IReadOnlyList<PipelineStepDefinition> steps, Dictionary<string, SortedSet<string>> graph)
    {
        var order = new List<string>(steps.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (order.Count < steps.Count)
        {
            var next = steps.First(s => !placed.Contains(s.Id) && graph[s.Id].All(placed.Contains));
            placed.Add(next.Id);
            order.Add(next.Id);
        }

        return order;
    }
}
