using System.Globalization;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Mcp;

/// <summary>Finds local files a model may send as inputs (<c>replicate_list_files</c>).</summary>
internal sealed class FileTools(AllowedFolders configured, ClientRootsReader roots)
{
    public async Task<CallToolResult> ListAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.ListFiles.Read(request.Params?.Arguments);
        var folder = args.Read(ToolInputs.Folder);
        var pattern = args.Read(ToolInputs.FilePattern) ?? FileLister.DefaultPattern;
        if (pattern.IndexOfAny(['/', '\\']) >= 0)
            args.Add($"pattern: {DisplayText.Quote(pattern)} given, expected {ToolInputs.FilePattern.Expected}; give the folder as folder.");
        var limit = args.Read(ToolInputs.FileLimit);
        args.ThrowIfInvalid();

        var folders = configured.WithClientRoots(await roots.ReadAsync(request.Server, cancellationToken));
        FileListing listing;
        try
        {
            // A large folder takes a while to read: off the protocol's thread.
            listing = await Task.Run(() => FileLister.List(folders, folder, pattern, limit), cancellationToken);
        }
        catch (LocalFileRefusedException ex)
        {
            throw new McpException(ex.Message);
        }
        return ToolResults.Structured(listing, Summary(listing, pattern));
    }

    private static string Summary(FileListing listing, string pattern)
    {
        var text = new StringBuilder();
        if (listing.Folder is null)
        {
            text.Append("Allowed folders (give one as folder to list its files):");
            foreach (var folder in listing.AllowedFolders) text.Append("\n  ").Append(folder);
            return text.ToString();
        }

        var matching = pattern == FileLister.DefaultPattern ? "" : $" matching {pattern}";
        text.Append(CultureInfo.InvariantCulture, $"{listing.Files.Count} file{(listing.Files.Count == 1 ? "" : "s")}{matching} in {listing.Folder}");
        text.Append(listing.Truncated ? " (more matched: raise limit or narrow pattern):" : ":");
        foreach (var file in listing.Files)
            text.Append(CultureInfo.InvariantCulture, $"\n  {Path.GetFileName(file.Path)}  {Size(file.Size)}  {file.MimeType}  {file.ModifiedAt}");
        if (listing.Files.Count == 0) text.Append("\n  (none)");
        return text.ToString();
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };
}
