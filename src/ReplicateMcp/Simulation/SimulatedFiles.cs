namespace ReplicateMcp.Simulation;

/// <summary>Bytes of the simulated output files that are not images (those are drawn by <see cref="SimulatedImages"/>).</summary>
internal static class SimulatedFiles
{
    // The smallest thing a player or `file` recognises as MP4: an ftyp box (isom brand) and an empty mdat box.
    private static readonly byte[] Mp4 =
    [
        0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0,
        (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'i', (byte)'s', (byte)'o', (byte)'2',
        (byte)'a', (byte)'v', (byte)'c', (byte)'1', (byte)'m', (byte)'p', (byte)'4', (byte)'1',
        0, 0, 0, 8, (byte)'f', (byte)'r', (byte)'e', (byte)'e',
        0, 0, 0, 8, (byte)'m', (byte)'d', (byte)'a', (byte)'t',
    ];

    /// <summary>A fixed, minimal MP4 file.</summary>
    public static byte[] Video() => (byte[])Mp4.Clone();
}
