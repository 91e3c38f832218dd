using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Schemas;

/// <summary>
/// Checks a prediction input against a model's (inlined) input schema before anything is paid for.
/// </summary>
/// <remarks>
/// Only the keywords cog emits are checked: required, unknown properties, type, enum, numeric bounds and array
/// items. Everything else is ignored on purpose: Replicate validates again, and a false alarm here would refuse
/// a job that would have run.
/// </remarks>
internal static class InputSchemaValidator
{
    private const int MaxListedEnumValues = 30;

    /// <summary>
    /// Returns every problem found, each prefixed with its path under <paramref name="path"/> (empty = valid).
    /// A property for which <paramref name="isDeferred"/> is true holds a template resolved later: its value is not
    /// checked, but it counts as present and its name must still be known.
    /// </summary>
    public static IReadOnlyList<string> Validate(JsonObject input, JsonObject inputSchema, string path, Func<string, bool>? isDeferred = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var problems = new List<string>();
        CheckObject(input, inputSchema, path, isDeferred, problems);
        return problems;
    }

    private static void CheckObject(JsonObject value, JsonObject schema, string path, Func<string, bool>? isDeferred, List<string> problems)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(StringOf).OfType<string>())
            {
                if (!value.ContainsKey(name))
                {
                    problems.Add($"{JsonPath.Property(path, name)}: required, missing{Hint(properties?[name] as JsonObject)}");
                }
            }
        }

        // An object schema that lists its properties is closed unless it says otherwise: cog's Input never does.
        var closed = properties is not null && IsFalseOrAbsent(schema["additionalProperties"]);
        foreach (var (name, node) in value)
        {
            var memberPath = JsonPath.Property(path, name);
            if (properties is not null && properties.TryGetPropertyValue(name, out var propertySchema))
            {
                if (propertySchema is JsonObject propertyObject && isDeferred?.Invoke(name) != true)
                {
                    CheckValue(node, propertyObject, memberPath, problems);
                }
            }
            else if (closed)
            {
                // The name is literal even when its value is a template, so an unknown name is reported either way.
                problems.Add(UnknownProperty(memberPath, name, properties!));
            }
        }
    }

    private static void CheckValue(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (value is null)
        {
            if (!AcceptsNull(schema) && (DeclaredTypes(schema).Count > 0 || schema["enum"] is JsonArray))
            {
                problems.Add($"{path}: null given, {Expectation(schema)}");
            }

            return;
        }

        // pydantic writes Optional[X] as anyOf [X, null]: the single non-null branch is the real schema.
        if (SingleNonNullBranch(schema) is { } branch)
        {
            CheckValue(value, branch, path, problems);
        }

        var types = DeclaredTypes(schema);
        if (types.Count > 0 && !types.Any(type => HasType(value, type)))
        {
            problems.Add($"{path}: {DisplayText.Value(value)} given, expected {string.Join(" or ", types)}");
            return;
        }

        if (schema["enum"] is JsonArray allowed && allowed.Count > 0 && !allowed.Any(option => SameValue(option, value)))
        {
            problems.Add($"{path}: {DisplayText.Value(value)} given, allowed one of {EnumList(allowed)}");
            return;
        }

        if (value.GetValueKind() == JsonValueKind.Number && NumberOf(value) is { } number)
        {
            CheckRange(value, number, schema, path, problems);
        }

        if (value is JsonArray array && schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                CheckValue(array[i], itemSchema, JsonPath.Element(path, i), problems);
            }
        }
        else if (value is JsonObject obj && schema["properties"] is JsonObject)
        {
            CheckObject(obj, schema, path, isDeferred: null, problems);
        }
    }

    private static void CheckRange(JsonNode value, double number, JsonObject schema, string path, List<string> problems)
    {
        var lower = Bound(schema, "minimum", "exclusiveMinimum", stricter: (a, b) => a > b);
        var upper = Bound(schema, "maximum", "exclusiveMaximum", stricter: (a, b) => a < b);
        var tooLow = lower is { } lo && (lo.Exclusive ? number <= lo.Value : number < lo.Value);
        var tooHigh = upper is { } hi && (hi.Exclusive ? number >= hi.Value : number > hi.Value);
        if (tooLow || tooHigh)
        {
            problems.Add($"{path}: {DisplayText.Value(value)} given, allowed {RangeText(lower, upper)}");
        }
    }

    /// <summary>
    /// The effective bound: <c>minimum</c> (made exclusive by OpenAPI 3.0's boolean <c>exclusiveMinimum</c>) or a
    /// numeric <c>exclusiveMinimum</c> (JSON Schema 2019+), whichever is stricter when both are given.
    /// </summary>
    private static NumericBound? Bound(JsonObject schema, string inclusiveKeyword, string exclusiveKeyword, Func<double, double, bool> stricter)
    {
        NumericBound? bound = null;
        var exclusive = schema[exclusiveKeyword];
        if (schema[inclusiveKeyword] is JsonValue inclusive && NumberOf(inclusive) is { } limit)
        {
            var flag = exclusive is JsonValue && exclusive.GetValueKind() == JsonValueKind.True;
            bound = new NumericBound(limit, inclusive.ToJsonString(), flag);
        }

        if (exclusive is JsonValue && NumberOf(exclusive) is { } exclusiveLimit
            && (bound is null || stricter(exclusiveLimit, bound.Value.Value)))
        {
            bound = new NumericBound(exclusiveLimit, exclusive.ToJsonString(), Exclusive: true);
        }

        return bound;
    }

    private static string RangeText(NumericBound? lower, NumericBound? upper)
    {
        if (lower is { Exclusive: false } lo && upper is { Exclusive: false } hi)
        {
            return $"{lo.Text}–{hi.Text}";
        }

        var parts = new List<string>(2);
        if (lower is { } l)
        {
            parts.Add(l.Exclusive ? $"greater than {l.Text}" : $"at least {l.Text}");
        }

        if (upper is { } u)
        {
            parts.Add(u.Exclusive ? $"less than {u.Text}" : $"at most {u.Text}");
        }

        return string.Join(" and ", parts);
    }

    private static string UnknownProperty(string path, string name, JsonObject properties)
    {
        var allowed = OrderedNames(properties);
        var message = $"{path}: unknown input; allowed: {string.Join(", ", allowed)}";
        return NameSuggestion.Closest(name, allowed) is { } suggestion
            ? $"{message}; did you mean '{suggestion}'?"
            : message;
    }

    /// <summary>Property names in the order the model's page shows them (cog's <c>x-order</c>), else as declared.</summary>
    private static List<string> OrderedNames(JsonObject properties) =>
        [.. properties
            .Select((property, index) => (property.Key, Order: (property.Value as JsonObject)?["x-order"] is JsonValue order && NumberOf(order) is { } n ? n : double.MaxValue, index))
            .OrderBy(p => p.Order)
            .ThenBy(p => p.index)
            .Select(p => p.Key)];

    /// <summary>" (type: short description)" for a missing property, or "" when the schema says neither.</summary>
    private static string Hint(JsonObject? schema)
    {
        if (schema is null)
        {
            return "";
        }

        var type = DeclaredTypes(schema) is { Count: > 0 } types ? string.Join(" or ", types) : null;
        var description = SchemaDescription.Short(StringOf(schema["description"]));
        return (type, description) switch
        {
            (null, null) => "",
            ({ }, null) => $" ({type})",
            (null, { }) => $" ({description})",
            _ => $" ({type}: {description})",
        };
    }

    private static string Expectation(JsonObject schema) =>
        DeclaredTypes(schema) is { Count: > 0 } types
            ? $"expected {string.Join(" or ", types)}"
            : $"allowed one of {EnumList((JsonArray)schema["enum"]!)}";

    private static string EnumList(JsonArray allowed)
    {
        var listed = string.Join(", ", allowed.Take(MaxListedEnumValues).Select(DisplayText.Value));
        return allowed.Count > MaxListedEnumValues
            ? $"{listed}, … ({allowed.Count - MaxListedEnumValues} more)"
            : listed;
    }

    /// <summary>The schema's non-null types, from <c>type</c> as a string or an array.</summary>
    private static List<string> DeclaredTypes(JsonObject schema) => schema["type"] switch
    {
        JsonArray array => [.. array.Select(StringOf).OfType<string>().Where(t => t != "null")],
        JsonValue single when StringOf(single) is { } type && type != "null" => [type],
        _ => [],
    };

    private static bool AcceptsNull(JsonObject schema) =>
        schema["nullable"] is JsonValue nullable && nullable.GetValueKind() == JsonValueKind.True
        || StringOf(schema["type"]) == "null"
        || schema["type"] is JsonArray types && types.Any(t => StringOf(t) == "null")
        || schema["enum"] is JsonArray allowed && allowed.Any(option => option is null)
        || Branches(schema).Any(AcceptsNull);

    private static JsonObject? SingleNonNullBranch(JsonObject schema)
    {
        var nonNull = Branches(schema).Where(branch => StringOf(branch["type"]) != "null").Take(2).ToList();
        return nonNull.Count == 1 ? nonNull[0] : null;
    }

    private static IEnumerable<JsonObject> Branches(JsonObject schema) =>
        new[] { schema["anyOf"], schema["oneOf"] }.OfType<JsonArray>().SelectMany(branches => branches.OfType<JsonObject>());

    private static bool HasType(JsonNode value, string type) => type switch
    {
        "string" => value.GetValueKind() == JsonValueKind.String,
        "integer" => value.GetValueKind() == JsonValueKind.Number && IsInteger(value),
        "number" => value.GetValueKind() == JsonValueKind.Number,
        "boolean" => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "array" => value is JsonArray,
        "object" => value is JsonObject,
        // A type we do not know is not ours to refuse.
        _ => true,
    };

    /// <summary>True for 2 and 2.0 (JSON Schema counts any integral number as an integer), false for 2.5.</summary>
    private static bool IsInteger(JsonNode value)
    {
        var text = value.ToJsonString();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            return exact == decimal.Truncate(exact);
        }

        // Beyond decimal's range (1e300): every such double is integral, but check rather than assume.
        return NumberOf(value) is { } number && double.IsFinite(number) && Math.Floor(number) == number;
    }

    private static double? NumberOf(JsonNode? value) =>
        value is JsonValue && value.GetValueKind() == JsonValueKind.Number
        && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static bool SameValue(JsonNode? option, JsonNode value) =>
        // 1 and 1.0 are the same number to JSON Schema even though their texts differ.
        option is not null && option.GetValueKind() == JsonValueKind.Number && value.GetValueKind() == JsonValueKind.Number
            ? decimal.TryParse(option.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
              && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
                ? a == b
                : NumberOf(option) == NumberOf(value)
            : JsonNode.DeepEquals(option, value);

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue && node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static bool IsFalseOrAbsent(JsonNode? node) => node is null || node.GetValueKind() == JsonValueKind.False;

    private readonly record struct NumericBound(double Value, string Text, bool Exclusive);
}
