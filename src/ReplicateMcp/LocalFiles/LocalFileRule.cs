namespace ReplicateMcp.LocalFiles;

/// <summary>Why a local file is not sent; each rule has one message (<see cref="LocalFileMessages"/>).</summary>
internal enum LocalFileRule
{
    /// <summary>A file input that is neither http(s):, data:, an absolute path, <c>~/…</c> nor a local <c>file:</c> URI.</summary>
    NotAFileReference,

    /// <summary>Resolved, it lies in none of the allowed folders (said the same way whether or not it exists).</summary>
    OutsideAllowedFolders,

    /// <summary>A file or folder below the allowed folder starts with a dot.</summary>
    Hidden,

    /// <summary>Inside an allowed folder, but nothing is there.</summary>
    NotFound,

    /// <summary>Inside an allowed folder, but a folder (or device) rather than a regular file.</summary>
    NotAFile,

    /// <summary>Larger than the per-file limit.</summary>
    TooLarge,

    /// <summary>Inside an allowed folder, but could not be opened (permissions, I/O error).</summary>
    Unreadable,
}
