namespace ReplicateMcp.Hosting;

/// <summary>Reads a setting's text; <see cref="Allowed"/> says in words what it accepts, for messages and <c>--help</c>.</summary>
internal sealed record SettingParser(string Allowed, bool IsList, Func<string, ParsedSetting> Parse);

/// <summary>The configuration values a setting's text stands for, or why it is refused.</summary>
internal sealed record ParsedSetting(IReadOnlyList<string> Values, string? Problem)
{
    public static ParsedSetting Value(string value) => new([value], null);

    public static ParsedSetting List(IReadOnlyList<string> values) => new(values, null);

    /// <param name="problem">What is wrong beyond "not allowed", e.g. which entry of a list; null when the allowed text says it all.</param>
    public static ParsedSetting Refused(string? problem = null) => new([], problem ?? "");

    public bool IsRefused => Problem is not null;
}
