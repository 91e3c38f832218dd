using System.Globalization;
using System.Text.Json;
using ReplicateMcp.Templates;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Arguments;

/// <summary>
/// Strict reading of a tool call's arguments. The SDK's binder would accept "yes" for nothing and name no
/// field; every problem here names the field, the value given and what is allowed, and all are reported at once.
/// </summary>
internal sealed class ToolArguments
{
    public const int MaxInputDepth = 32;
    public const int MaxInputBytes = 1_000_000;

    private readonly IReadOnlyDictionary<string, JsonElement> _args;
    private readonly List<string> _problems = [];

    public ToolArguments(IDictionary<string, JsonElement>? args, string[] allowed)
    {
        _args = args is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement>(args, StringComparer.Ordinal);
        foreach (var name in _args.Keys.Where(k => !allowed.Contains(k, StringComparer.Ordinal)))
            _problems.Add($"{DisplayText.Quote(name)}: unknown argument; allowed: {string.Join(", ", allowed)}.");
    }

    public IReadOnlyList<string> Problems => _problems;

    public void Add(string problem) => _problems.Add(problem);

    /// <summary>Throws <see cref="ArgumentProblemsException"/> listing every problem, if any.</summary>
    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0) throw new ArgumentProblemsException([.. _problems]);
    }

    /// <summary>The argument's value, or its default when absent, null or wrong (the problem is recorded).</summary>
    public int Read(IntArgument argument) =>
        Given(argument.Name) is { } e ? ReadInt(argument.Name, e, argument.Min, argument.Max) ?? argument.Default : argument.Default;

    public bool Read(BoolArgument argument)
    {
        if (Given(argument.Name) is not { } e) return argument.Default;
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        _problems.Add($"{argument.Name}: {DisplayText.Value(e)} given, expected true or false.");
        return argument.Default;
    }

    /// <summary>The string, or null when it is wrong or (for an optional argument) absent.</summary>
    public string? Read(StringArgument argument)
    {
        if (Given(argument.Name) is { } e) return ReadString(argument.Name, e, argument);
        if (argument.Required) _problems.Add($"{argument.Name}: missing; give {argument.Expected}.");
        return null;
    }

    public JsonElement[]? Read(ArrayArgument argument)
    {
        if (Given(argument.Name) is { } e) return ReadArray(argument.Name, e, argument);
        if (argument.Required) _problems.Add($"{argument.Name}: missing; give an array of {argument.MinItems}–{argument.MaxItems} {argument.Expected}.");
        return null;
    }

    private JsonElement? Given(string name) =>
        _args.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    public int? ReadInt(string path, JsonElement e, int min, int max)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var d) && d == decimal.Truncate(d))
        {
            if (d >= min && d <= max) return (int)d;
            _problems.Add($"{path}: {e.GetRawText()} given, allowed {min}–{max}.");
            return null;
        }
        _problems.Add($"{path}: {DisplayText.Value(e)} given, expected a whole number {min}–{max}.");
        return null;
    }

    /// <summary>A string at <paramref name="path"/> (a field, or an element of an array) as <paramref name="argument"/> allows.</summary>
    public string? ReadString(string path, JsonElement e, StringArgument argument)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            _problems.Add($"{path}: {DisplayText.Value(e)} given, expected {argument.Expected}.");
            return null;
        }
        var s = e.GetString()!;
        if (s.Length > argument.MaxLength)
        {
            _problems.Add($"{path}: a string of {s.Length} characters given, at most {argument.MaxLength} allowed.");
            return null;
        }
        if (s.Length < argument.MinLength)
        {
            _problems.Add($"{path}: {DisplayText.Quote(s)} given, expected {argument.Expected} ({argument.MinLength}–{argument.MaxLength} characters).");
            return null;
        }
        return s;
    }

    public JsonElement[]? ReadArray(string path, JsonElement e, ArrayArgument argument)
    {
        var (min, max) = (argument.MinItems, argument.MaxItems);
        if (e.ValueKind != JsonValueKind.Array)
        {
            _problems.Add($"{path}: {DisplayText.Value(e)} given, expected an array of {min}–{max} {argument.Expected}.");
            return null;
        }
        var n = e.GetArrayLength();
        if (n < min) { _problems.Add($"{path}: {n} given, at least {min} required."); return null; }
        if (n > max) { _problems.Add($"{path}: {n} given, at most {max} allowed."); return null; }
        return [.. e.EnumerateArray()];
    }

    /// <summary>Reads an object's fields, naming unknown and missing ones.</summary>
    public Dictionary<string, JsonElement>? ReadObject(string path, JsonElement e, ObjectArgument shape)
    {
        string[] allowed = [.. shape.FieldNames];
        string[] required = [.. shape.RequiredNames];
        var what = shape.Expected;
        if (e.ValueKind != JsonValueKind.Object)
        {
            _problems.Add($"{path}: {DisplayText.Value(e)} given, expected {what}.");
            return null;
        }
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
                _problems.Add($"{JsonPath.Property(path, p.Name)}: unknown field; allowed: {string.Join(", ", allowed)}.");
            else fields[p.Name] = p.Value;
        }
        foreach (var r in required.Where(r => !fields.ContainsKey(r)))
            _problems.Add($"{path}.{r}: missing; {what} needs {string.Join(" and ", required)}.");
        return fields;
    }

    /// <summary>A model input: a JSON object, at most 32 levels deep and 1 MB.</summary>
    public JsonElement? ReadInput(string path, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            _problems.Add($"{path}: {DisplayText.Value(e)} given, expected a JSON object of the model's inputs, e.g. {{\"prompt\": \"a red fox\"}}.");
            return null;
        }
        var depth = Depth(e);
        if (depth > MaxInputDepth)
        {
            _problems.Add($"{path}: nested {depth} levels deep, at most {MaxInputDepth} allowed.");
            return null;
        }
        var size = e.GetRawText().Length;
        if (size > MaxInputBytes)
        {
            _problems.Add($"{path}: {size.ToString("N0", CultureInfo.InvariantCulture)} characters of JSON given, at most {MaxInputBytes.ToString("N0", CultureInfo.InvariantCulture)} allowed; pass large files as URLs.");
            return null;
        }
        return e.Clone();
    }

    private static int Depth(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => 1 + e.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + e.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
