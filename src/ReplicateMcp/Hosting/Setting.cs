namespace ReplicateMcp.Hosting;

/// <summary>
/// One documented setting: the environment variable a user sets, the configuration key it feeds
/// (also accepted on the command line as <c>--Key=value</c>), what it means, and how its text is read.
/// </summary>
internal sealed record Setting(string Variable, string Key, string Meaning, SettingParser Parser)
{
    /// <summary>A command-line flag for this setting besides <c>--Key=value</c>, e.g. <c>--input-dirs</c>.</summary>
    public string? Flag { get; init; }

    /// <summary>Writes the parsed value under <see cref="Key"/>; a list becomes <c>Key:0</c>, <c>Key:1</c>, … as configuration binding expects.</summary>
    public void WriteTo(IDictionary<string, string?> entries, IReadOnlyList<string> values)
    {
        if (!Parser.IsList)
        {
            entries[Key] = values[0];
            return;
        }
        for (var i = 0; i < values.Count; i++)
            entries[$"{Key}:{i}"] = values[i];
    }
}
