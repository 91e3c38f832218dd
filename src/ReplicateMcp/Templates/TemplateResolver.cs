using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Templates;

/// <summary>Finds references in a step input and substitutes finished steps' fields into it.</summary>
internal static class TemplateResolver
{
    /// <summary>Every reference and syntax error in the strings of <paramref name="input"/>; object keys are not scanned.</summary>
    public static TemplateScan FindReferences(JsonNode? input)
    {
        var references = new List<TemplateOccurrence>();
        var errors = new List<LocatedTemplateError>();
        Walk(input, "", (path, parsed) =>
        {
            references.AddRange(parsed.References.Select(r => new TemplateOccurrence(path, r)));
            errors.AddRange(parsed.Errors.Select(e => new LocatedTemplateError(path, e)));
        });
        return new TemplateScan(references, errors);
    }

    /// <summary>
    /// A copy of <paramref name="input"/> with every reference replaced from <paramref name="stepFields"/>
    /// (step id → that step's fields) and every <c>$$</c> unescaped; throws <see cref="TemplateException"/>.
    /// </summary>
    public static JsonNode? Resolve(JsonNode? input, IReadOnlyDictionary<string, JsonObject> stepFields) =>
        Rebuild(input, "", stepFields);

    private static void Walk(JsonNode? node, string path, Action<string, ParsedTemplate> onString)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Walk(child, JsonPath.Property(path, key), onString);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], JsonPath.Element(path, i), onString);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                onString(path, TemplateScanner.Parse(text));
                break;
        }
    }

    private static JsonNode? Rebuild(JsonNode? node, string path, IReadOnlyDictionary<string, JsonObject> stepFields)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    copy[key] = Rebuild(child, JsonPath.Property(path, key), stepFields);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    items.Add(Rebuild(array[i], JsonPath.Element(path, i), stepFields));
                }

                return items;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return ResolveString(text, path, stepFields);
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? ResolveString(string text, string path, IReadOnlyDictionary<string, JsonObject> stepFields)
    {
        var parsed = TemplateScanner.Parse(text);
        if (parsed.Errors.Count > 0)
        {
            // Validation refuses these at start; reaching here means a caller skipped it.
            throw new TemplateException(new LocatedTemplateError(path, parsed.Errors[0]).Message, parsed.Errors[0].Text, path);
        }

        if (parsed.IsSingleReference)
        {
            var reference = ((ReferenceTemplatePart)parsed.Parts[0]).Reference;
            return Lookup(reference, path, stepFields)?.DeepClone();
        }

        var sb = new StringBuilder(text.Length);
        foreach (var part in parsed.Parts)
        {
            switch (part)
            {
                case LiteralTemplatePart literal:
                    sb.Append(literal.Text);
                    break;
                case ReferenceTemplatePart { Reference: var reference }:
                    sb.Append(InlineText(reference, path, Lookup(reference, path, stepFields)));
                    break;
            }
        }

        return JsonValue.Create(sb.ToString());
    }

    private static string InlineText(TemplateReference reference, string path, JsonNode? value)
    {
        if (value is JsonValue scalar)
        {
            switch (scalar.GetValueKind())
            {
                case JsonValueKind.String:
                    return scalar.GetValue<string>();
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    return scalar.ToJsonString();
            }
        }

        var hint = value switch
        {
            JsonArray { Count: > 0 } => $"; use {Deeper(reference, "0")}",
            JsonObject { Count: > 0 } obj => $"; use {Deeper(reference, obj.First().Key)}",
            _ => "",
        };
        throw Fail(reference, path,
            $"{reference.Text} used inside a longer string must be a single value, but it is " +
            $"{DisplayText.Value(value)}{hint}");
    }

    // Suggests the next step down: [0] right after the field, .key after that (the grammar allows one [n]).
    private static string Deeper(TemplateReference reference, string keyOrIndex) =>
        reference.Index is null && reference.Keys.Count == 0 && int.TryParse(keyOrIndex, CultureInfo.InvariantCulture, out _)
            ? $"{reference.Text}[{keyOrIndex}]"
            : $"{reference.Text}.{keyOrIndex}";

    private static JsonNode? Lookup(TemplateReference reference, string path, IReadOnlyDictionary<string, JsonObject> stepFields)
    {
        var step = reference.StepId;
        if (!stepFields.TryGetValue(step, out var fields))
        {
            var finished = stepFields.Count == 0 ? "none" : string.Join(", ", stepFields.Keys.Order(StringComparer.Ordinal));
            throw Fail(reference, path, $"{reference.Text}: step '{step}' has no results to use (finished steps: {finished})");
        }

        if (!TemplateFields.IsKnown(reference.Field))
        {
            throw Fail(reference, path, $"{reference.Text}: unknown field '{reference.Field}'; fields are {TemplateFields.List}");
        }

        // A field the step did not produce reads as null, like an unknown value in a status.
        fields.TryGetPropertyValue(reference.Field, out var node);
        var where = $"${step}.{reference.Field}";

        if (reference.Index is int index)
        {
            if (node is not JsonArray array)
            {
                throw Fail(reference, path, $"{reference.Text}: [{index}] needs an array, but {where} is {DisplayText.Value(node)}");
            }

            if (index >= array.Count)
            {
                throw Fail(reference, path, $"{reference.Text}: index {index} is out of range, step {step} produced {Count(reference.Field, array.Count)}");
            }

            node = array[index];
            where += $"[{index}]";
        }

        foreach (var key in reference.Keys)
        {
            node = Step(reference, path, node, key, where);
            where += $".{key}";
        }

        return node;
    }

    private static JsonNode? Step(TemplateReference reference, string path, JsonNode? node, string key, string where)
    {
        switch (node)
        {
            case JsonObject obj:
                if (!obj.TryGetPropertyValue(key, out var child))
                {
                    var keys = obj.Count == 0 ? "it is empty" : $"keys: {DisplayText.Keys([.. obj.Select(p => p.Key)])}";
                    throw Fail(reference, path, $"{reference.Text}: no key '{key}' in the object ({keys})");
                }

                return child;
            case JsonArray array when key.All(char.IsAsciiDigit):
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= array.Count)
                {
                    throw Fail(reference, path, $"{reference.Text}: index {key} is out of range, {where} has {Plural(array.Count, "item")}");
                }

                return array[index];
            default:
                var needs = key.All(char.IsAsciiDigit) ? "an object or an array" : "an object";
                throw Fail(reference, path, $"{reference.Text}: .{key} needs {needs}, but {where} is {DisplayText.Value(node)}");
        }
    }

    private static string Count(string field, int count) => field switch
    {
        TemplateFields.Urls => Plural(count, "url"),
        TemplateFields.LocalPaths => Plural(count, "local path"),
        _ => Plural(count, $"{field} item"),
    };

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static TemplateException Fail(TemplateReference reference, string path, string message) =>
        new($"{message} (at {JsonPath.Join("input", path)})", reference.Text, path);
}
