namespace ReplicateMcp.Cli;

/// <summary>Reads a run file's text, saying in plain words why it cannot be used (a folder, missing, empty).</summary>
internal static class RunFileText
{
    private const string Expected = "a JSON object with \"items\" (a batch) or \"steps\" (a pipeline)";

    /// <summary>Returns the text, or null with <paramref name="problem"/> set.</summary>
    public static string? Read(string path, out string? problem)
    {
        problem = null;
        if (Directory.Exists(path))
        {
            problem = $"{path} is a folder; give a run file, {Expected}{JsonFilesIn(path)}.";
            return null;
        }
        if (!File.Exists(path))
        {
            problem = $"{path}: no such file; give a run file, {Expected}.";
            return null;
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"{path}: cannot be read ({ex.Message})";
            return null;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = $"{path} is empty; it should hold {Expected}.";
            return null;
        }
        return text;
    }

    private static string JsonFilesIn(string folder)
    {
        try
        {
            var names = Directory.EnumerateFiles(folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(4).ToList();
            return names.Count == 0 ? "" : $", e.g. {Path.Combine(folder, names[0]!)} (this folder holds {string.Join(", ", names)})";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
