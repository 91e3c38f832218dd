namespace ReplicateMcp.Jobs.Ownership;

/// <summary>An unfinished job and the owner recorded on it (null when none was).</summary>
internal sealed record OwnedJob(string JobId, string? OwnerId);

/// <summary>
/// Which unfinished jobs have lost their owner, and an atomic claim so exactly one of several servers adopts each
/// (CONTRACT §6: "by exactly one of them, even when several start together").
/// A claim is made against the owner that died: <c>claims/&lt;job&gt;@&lt;dead owner&gt;</c> is created with create-new,
/// which the file system grants to one caller only, across processes. When the adopter dies in turn, the next claim
/// names the adopter, so a job can be adopted again.
/// </summary>
internal sealed class JobClaims(string stateDirectory, string currentOwnerId)
{
    private string ClaimsFolder => Path.Combine(stateDirectory, "claims");

    /// <summary>The unfinished jobs whose owner lock is free (or that name no owner), other than this process's own.</summary>
    public IReadOnlyList<OwnedJob> FindOrphans(IEnumerable<OwnedJob> unfinished) =>
        [.. unfinished.Where(j => j.OwnerId != currentOwnerId && (j.OwnerId is null || !OwnerLocks.IsAlive(stateDirectory, j.OwnerId)))];

    /// <summary>
    /// True for exactly one caller, across processes, per job and dead owner; the winner then records itself as the owner.
    /// A claim whose claimant died before recording itself is taken over by a claim against that claimant
    /// (<c>&lt;job&gt;@&lt;owner&gt;+&lt;claimant&gt;</c>), which again only one caller gets. Our own claim (an adoption whose
    /// save failed) is ours to try again.
    /// </summary>
    public bool TryClaim(OwnedJob orphan)
    {
        Directory.CreateDirectory(ClaimsFolder);
        var path = ClaimPath(orphan);
        for (var handOvers = 0; handOvers < MaxHandOvers; handOvers++)
        {
            if (TryCreate(path)) return true;
            var claimant = ReadClaimant(path);
            if (claimant == currentOwnerId) return true;
            if (claimant is null || OwnerLocks.IsAlive(stateDirectory, claimant)) return false;
            path += "+" + claimant;
        }
        return false;
    }

    /// <summary>More dead claimants in a row than this means something else is wrong: leave the job to a person.</summary>
    private const int MaxHandOvers = 16;

    /// <summary>
    /// Creates the claim with our id already in it: written under a temporary name and then moved without overwrite
    /// (atomic, refused when the name exists), so a claim is never seen empty, whenever its claimant dies.
    /// </summary>
    private bool TryCreate(string path)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, currentOwnerId);
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
        catch (IOException)
        {
            File.Delete(temporary); // a full disk: no empty file left behind; the next sweep tries again
            throw;
        }
    }

    /// <summary>The claimant written in a claim; "unknown" for an empty one (an older server), null when it is gone.</summary>
    private static string? ReadClaimant(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (text.Length == 0) return "unknown";
        return text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? text : null; // a hand-edited claim names no lock
    }

    /// <summary>Removes a job's claims once the job itself is deleted (evicted).</summary>
    public void Forget(string jobId)
    {
        if (!Directory.Exists(ClaimsFolder)) return;
        foreach (var claim in Directory.EnumerateFiles(ClaimsFolder, CheckName(jobId, nameof(jobId)) + "@*"))
            File.Delete(claim);
    }

    /// <summary>The claim files there are now (paths).</summary>
    public IReadOnlyList<string> List() => Directory.Exists(ClaimsFolder) ? Directory.GetFiles(ClaimsFolder) : [];

    /// <summary>
    /// Removes those of <paramref name="listedClaims"/> whose job is not among <paramref name="jobIds"/> (evicted by any
    /// server, or moved aside). The claims must be listed before the job files: each listed claim was then made after
    /// its job file was read, hence before the job files were listed, and a job file that is deleted never comes back,
    /// so a claim taken out meanwhile is never judged by an older listing.
    /// </summary>
    public static void ForgetGone(IReadOnlyList<string> listedClaims, IReadOnlySet<string> jobIds)
    {
        foreach (var claim in listedClaims)
        {
            var name = Path.GetFileName(claim);
            var at = name.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || jobIds.Contains(name[..at])) continue;
            try
            {
                File.Delete(claim);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file we may not touch: the next sweep tries again.
            }
        }
    }

    private string ClaimPath(OwnedJob orphan) =>
        Path.Combine(ClaimsFolder, $"{CheckName(orphan.JobId, "jobId")}@{CheckName(orphan.OwnerId ?? "none", "ownerId")}");

    private static string CheckName(string value, string name) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? value
            : throw new ArgumentException($"{name} '{value}' may hold only letters, digits, '-' and '_'.", name);
}
