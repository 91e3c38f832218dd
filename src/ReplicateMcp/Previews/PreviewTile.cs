namespace ReplicateMcp.Previews;

/// <summary>What became of one output: shown, failed (the item failed), or missing (no file to show).</summary>
internal enum PreviewTileStatus
{
    Ok,
    Failed,
    Missing,
}

/// <summary>
/// One tile of a contact sheet: its label (item index or step id), the local file if any, and its status;
/// <paramref name="Note"/> says why a failed or missing tile has no picture ("timed out", "not downloaded"…).
/// </summary>
internal sealed record PreviewTile(string Label, string? FilePath, PreviewTileStatus Status, string? Note = null);

/// <summary>An encoded contact sheet.</summary>
internal sealed record ContactSheetImage(byte[] Bytes, string MimeType, int Width, int Height);
