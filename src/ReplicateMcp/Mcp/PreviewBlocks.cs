using System.Globalization;
using ModelContextProtocol.Protocol;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Previews;

namespace ReplicateMcp.Mcp;

/// <summary>
/// <c>preview: true</c> (contract §9): adds one <c>image</c> block (the contact sheet) and a <c>resource_link</c> per
/// downloaded file to a status answer, and a line to its text saying what the sheet shows. The structured content
/// is left as it is.
/// </summary>
internal sealed class PreviewBlocks(ContactSheetRenderer renderer)
{
    /// <param name="notDownloadedHint">What to do about images that were not downloaded, said when there are any.</param>
    public async Task<CallToolResult> AddAsync(CallToolResult result, OutputPreview preview, string notDownloadedHint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(preview);
        var content = new List<ContentBlock>(result.Content);
        string line;
        if (preview.Tiles.Count == 0)
        {
            line = "Preview: no image outputs to show.";
        }
        else if (await renderer.RenderAsync(preview.Tiles, cancellationToken) is { } sheet)
        {
            content.Add(ImageContentBlock.FromBytes(sheet.Bytes, sheet.MimeType));
            line = string.Create(CultureInfo.InvariantCulture,
                $"Preview: a contact sheet of {preview.Tiles.Count} tile{(preview.Tiles.Count == 1 ? "" : "s")} ({sheet.Width}×{sheet.Height} px, {sheet.MimeType}).");
        }
        else
        {
            line = string.Create(CultureInfo.InvariantCulture,
                $"Preview: the contact sheet took longer than {ContactSheetRenderer.TimeLimit.TotalSeconds:0} s and is left out; the downloaded files are linked.");
        }

        if (preview.NotDownloaded > 0)
            line += string.Create(CultureInfo.InvariantCulture,
                $" {preview.NotDownloaded} image{(preview.NotDownloaded == 1 ? " was" : "s were")} not downloaded and show as 'not downloaded': {notDownloadedHint}");
        if (preview.DownloadedFiles.Count > 0)
            line += string.Create(CultureInfo.InvariantCulture, $" {preview.DownloadedFiles.Count} downloaded file{(preview.DownloadedFiles.Count == 1 ? " is" : "s are")} linked.");

        foreach (var path in preview.DownloadedFiles)
            if (Link(path) is { } link) content.Add(link);

        var textIndex = content.FindIndex(c => c is TextContentBlock);
        if (textIndex >= 0)
            content[textIndex] = new TextContentBlock { Text = ((TextContentBlock)content[textIndex]).Text + "\n" + line };
        else
            content.Insert(0, new TextContentBlock { Text = line });
        result.Content = content;
        return result;
    }

    /// <summary>What to do about a job's images that have no local file.</summary>
    public static string NotDownloadedHint(Jobs.Job job) => job.Settings.Download
        ? "their download failed (see each result's download_error)."
        : "the job was started with download: false, so its images are only at their urls.";

    /// <summary>A link to a downloaded file, named by its item folder and file name (every item has an output-0).</summary>
    private static ResourceLinkBlock? Link(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        var folder = Path.GetFileName(Path.GetDirectoryName(path));
        return new ResourceLinkBlock
        {
            Uri = new Uri(info.FullName).AbsoluteUri,
            Name = string.IsNullOrEmpty(folder) ? info.Name : $"{folder}/{info.Name}",
            MimeType = MimeTypes.ForPath(path),
            Size = info.Length,
        };
    }
}
