namespace ReplicateMcp.Replicate;

/// <summary>Replicate's answer to <c>POST /files</c> (schemas_file_response), as far as this server reads it.</summary>
internal sealed record UploadedFile
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? ContentType { get; init; }

    public long? Size { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public required UploadedFileUrls Urls { get; init; }
}

/// <summary>Where an uploaded file can be fetched; <c>get</c> is what a model input takes.</summary>
internal sealed record UploadedFileUrls(string Get);
