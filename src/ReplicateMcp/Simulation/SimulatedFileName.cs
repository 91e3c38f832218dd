using System.Globalization;

namespace ReplicateMcp.Simulation;

/// <summary>An output file name of the form <c>out-{n}.{ext}</c>.</summary>
internal sealed record SimulatedFileName(int Index, string Extension)
{
    /// <summary>Parses <paramref name="file"/>; null when it is not an output file name.</summary>
    public static SimulatedFileName? Parse(string file)
    {
        var dot = file.LastIndexOf('.');
        if (!file.StartsWith("out-", StringComparison.Ordinal) || dot <= 4
            || !int.TryParse(file.AsSpan(4, dot - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return null;
        }

        return new SimulatedFileName(index, file[dot..].ToLowerInvariant());
    }
}
