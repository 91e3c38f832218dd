namespace ReplicateMcp.Templates;

/// <summary>The fields of a finished step that a reference may read.</summary>
internal static class TemplateFields
{
    public const string Urls = "urls";
    public const string LocalPaths = "local_paths";
    public const string TextOutput = "text_output";
    public const string Output = "output";
    public const string PredictionId = "prediction_id";
    public const string Metrics = "metrics";

    public static IReadOnlyList<string> All { get; } = [Urls, LocalPaths, TextOutput, Output, PredictionId, Metrics];

    /// <summary>The allowed fields as a comma-separated list, for error messages.</summary>
    public static string List { get; } = string.Join(", ", All);

    public static bool IsKnown(string field) => All.Contains(field, StringComparer.Ordinal);
}
