namespace ReplicateMcp.LocalFiles;

/// <summary>
/// A local file named in an input: where (<paramref name="Location"/> — property names and array indexes from the
/// input root — and its readable <paramref name="JsonPath"/>), the value as given, and the checked file.
/// </summary>
internal sealed record LocalFileReference(string JsonPath, IReadOnlyList<object> Location, string Given, CheckedFile File);

/// <summary>What a scan found: files to send and problems that refuse the start (all of them, in input order).</summary>
internal sealed record LocalFileScan(IReadOnlyList<LocalFileReference> Files, IReadOnlyList<string> Problems)
{
    public static readonly LocalFileScan Empty = new([], []);

    public bool HasProblems => Problems.Count > 0;
}
