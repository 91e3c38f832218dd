using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ReplicateMcp.Jobs;

/// <summary>Job ids are random, short, and safe as a folder and file name.</summary>
internal static partial class JobIds
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static string New(JobKind kind) =>
        (kind == JobKind.Batch ? "batch-" : "pipe-") + RandomNumberGenerator.GetString(Alphabet, 12);

    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex("^(batch|pipe)-[a-z0-9]{12}$")]
    private static partial Regex IdPattern();
}
