using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ReplicateMcp.Hosting;

/// <summary>The kinds of setting values: each one reads text strictly and says what it allows.</summary>
internal static class SettingParsers
{
    public static SettingParser AnyText(string allowed) => new(allowed, false, text => ParsedSetting.Value(text));

    public static SettingParser WholeNumber(int min, int max) => new($"a whole number from {min} to {max}", false, text =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? ParsedSetting.Value(n.ToString(CultureInfo.InvariantCulture))
            : ParsedSetting.Refused());

    public static SettingParser Seconds(double min, double max) => new($"a number of seconds from {min} to {max}, e.g. 0.5", false, text =>
        double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && s >= min && s <= max
            ? ParsedSetting.Value(s.ToString(CultureInfo.InvariantCulture))
            : ParsedSetting.Refused());

    public static SettingParser Switch { get; } = new("1, true or yes to turn it on; 0, false or no to turn it off", false, text =>
        text.Trim().ToLowerInvariant() switch
        {
            "1" or "true" or "yes" or "on" => ParsedSetting.Value("True"),
            "0" or "false" or "no" or "off" => ParsedSetting.Value("False"),
            _ => ParsedSetting.Refused(),
        });

    public static SettingParser HttpUrl { get; } = new("an absolute http:// or https:// URL, e.g. https://api.replicate.com/v1", false, text =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0
            ? ParsedSetting.Value(uri.AbsoluteUri)
            : ParsedSetting.Refused());

    public static SettingParser LogLevelName { get; } = new(
        "one of " + string.Join(", ", Enum.GetNames<LogLevel>()), false, text =>
            // Names only: Enum.TryParse would also take "3" or "Warning,Error".
            Enum.GetNames<LogLevel>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
                ? ParsedSetting.Value(name)
                : ParsedSetting.Refused());

    public static SettingParser HostList { get; } = new("host names separated by commas, e.g. cdn.example.com,*.example.org", true, text =>
    {
        var hosts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var host in hosts)
        {
            var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (Uri.CheckHostName(name) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
                return ParsedSetting.Refused($"\"{host}\" is not a host name");
        }
        return ParsedSetting.List(hosts);
    });

    /// <summary>A folder we write into: created on demand, so it need not exist, but nothing in its way may be a file and its nearest existing folder must be writable.</summary>
    public static SettingParser WritableFolder { get; } = new("a folder path this user can write to (created if missing)", false, text =>
    {
        if (!TryFullPath(text, out var path)) return ParsedSetting.Refused("not a valid path");
        var existing = path;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return ParsedSetting.Refused($"\"{existing}\" is a file, not a folder");
            existing = Path.GetDirectoryName(existing);
            if (existing is null) return ParsedSetting.Refused("not a valid path");
        }
        return CanWriteIn(existing) ? ParsedSetting.Value(path) : ParsedSetting.Refused($"\"{existing}\" is not writable");
    });

    public static SettingParser ExistingFolderList { get; } = new(
        $"absolute paths of existing folders, separated by '{Path.PathSeparator}'", true, text =>
        {
            var folders = new List<string>();
            foreach (var entry in text.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Path.IsPathFullyQualified(entry)) return ParsedSetting.Refused($"\"{entry}\" is not an absolute path");
                if (!Directory.Exists(entry)) return ParsedSetting.Refused($"\"{entry}\" is not an existing folder");
                folders.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(entry)));
            }
            return ParsedSetting.List(folders);
        });

    /// <summary>Expands a leading <c>~</c> (config files are not read by a shell) and makes the path absolute.</summary>
    private static bool TryFullPath(string text, out string path)
    {
        path = "";
        var trimmed = text.Trim();
        if (trimmed == "~" || trimmed.StartsWith("~/", StringComparison.Ordinal) || trimmed.StartsWith("~\\", StringComparison.Ordinal))
            trimmed = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + trimmed[1..];
        if (trimmed.Length == 0 || trimmed.Contains('\0', StringComparison.Ordinal)) return false;
        try
        {
            path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(trimmed));
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    private static bool CanWriteIn(string folder)
    {
        try
        {
            // Permission bits do not tell the whole story (ACLs, read-only mounts); trying does.
            using var probe = new FileStream(Path.Combine(folder, $".replicate-mcp-probe-{Guid.NewGuid():N}"),
                FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
