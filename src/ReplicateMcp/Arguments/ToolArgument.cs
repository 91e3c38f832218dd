using System.Text.Json.Nodes;

namespace ReplicateMcp.Arguments;

/// <summary>
/// One argument of a tool (or one field of an object inside one): its name, JSON type, bounds, default and
/// description. The tool's input schema is written from it and <see cref="ToolArguments"/> checks against it,
/// so the two never disagree.
/// </summary>
internal abstract record ToolArgument(string Name, string Description)
{
    /// <summary>Required arguments are listed in the schema's <c>required</c> and named when missing.</summary>
    public virtual bool Required => false;

    /// <summary>The JSON Schema of this argument's value.</summary>
    public abstract JsonObject Schema();

    protected JsonObject Described(JsonObject schema)
    {
        schema["description"] = Description;
        return schema;
    }
}

/// <summary>A whole number in <see cref="Min"/>–<see cref="Max"/>; <see cref="Default"/> when absent or null.</summary>
internal sealed record IntArgument(string Name, int Min, int Max, int Default, string Description) : ToolArgument(Name, Description)
{
    public override JsonObject Schema() => Described(new() { ["type"] = "integer", ["minimum"] = Min, ["maximum"] = Max, ["default"] = Default });
}

/// <summary>A 0-based index into a list of at most <see cref="Max"/> + 1 elements; no default (it is an element of an array).</summary>
internal sealed record IndexArgument(string Name, int Max, string Description) : ToolArgument(Name, Description)
{
    public override JsonObject Schema() => Described(new() { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = Max });
}

/// <summary>true or false; <see cref="Default"/> when absent or null.</summary>
internal sealed record BoolArgument(string Name, bool Default, string Description) : ToolArgument(Name, Description)
{
    public override JsonObject Schema() => Described(new() { ["type"] = "boolean", ["default"] = Default });
}

/// <summary>
/// A string of at most <see cref="MaxLength"/> characters. <see cref="Expected"/> completes "expected …" and
/// "missing; give …" in messages. <see cref="Pattern"/> is for the schema only: whoever owns the syntax checks it
/// with a message of its own. <see cref="Default"/> (optional arguments) is shown in the schema; the reader applies it.
/// </summary>
internal sealed record StringArgument(string Name, int MaxLength, string Expected, string Description, bool IsRequired = true, int MinLength = 0, string? Pattern = null,
    string? Default = null)
    : ToolArgument(Name, Description)
{
    public override bool Required => IsRequired;

    public override JsonObject Schema()
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (MinLength > 0) schema["minLength"] = MinLength;
        schema["maxLength"] = MaxLength;
        if (Pattern is not null) schema["pattern"] = Pattern;
        if (Default is not null) schema["default"] = Default;
        return Described(schema);
    }
}

/// <summary>An array of <see cref="MinItems"/>–<see cref="MaxItems"/> elements, each as <see cref="Element"/> describes.</summary>
internal sealed record ArrayArgument(string Name, int MinItems, int MaxItems, string Expected, ToolArgument Element, string Description, bool IsRequired = true)
    : ToolArgument(Name, Description)
{
    public override bool Required => IsRequired;

    public override JsonObject Schema()
    {
        var schema = new JsonObject { ["type"] = "array" };
        if (MinItems > 0) schema["minItems"] = MinItems;
        schema["maxItems"] = MaxItems;
        schema["items"] = Element.Schema();
        return Described(schema);
    }
}

/// <summary>An object with exactly the fields <see cref="Fields"/> (an item or a step); <see cref="Expected"/> shows its form.</summary>
internal sealed record ObjectArgument(string Name, string Expected, string Description, params ToolArgument[] Fields) : ToolArgument(Name, Description)
{
    public IEnumerable<string> FieldNames => Fields.Select(f => f.Name);

    public IEnumerable<string> RequiredNames => Fields.Where(f => f.Required).Select(f => f.Name);

    public override JsonObject Schema() => Described(ArgumentSchemas.Object(Fields));
}

/// <summary>A model's input: a JSON object of any fields, at most <see cref="ToolArguments.MaxInputDepth"/> levels deep.</summary>
internal sealed record InputArgument(string Name, string Description) : ToolArgument(Name, Description)
{
    public override bool Required => true;

    public override JsonObject Schema() => Described(new() { ["type"] = "object", ["additionalProperties"] = true });
}

internal static class ArgumentSchemas
{
    /// <summary><c>{"type": "object", "properties": …, "required": …, "additionalProperties": false}</c> in definition order.</summary>
    public static JsonObject Object(IEnumerable<ToolArgument> fields)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var field in fields)
        {
            properties[field.Name] = field.Schema();
            if (field.Required) required.Add((JsonNode)field.Name); // the non-generic Add: no reflection under AOT
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0) schema["required"] = required;
        schema["additionalProperties"] = false;
        return schema;
    }
}
