namespace ReplicateMcp.Replicate;

/// <summary>Replicate prediction ids are short lowercase alphanumerics; we accept letters and digits.</summary>
internal static class PredictionIds
{
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
