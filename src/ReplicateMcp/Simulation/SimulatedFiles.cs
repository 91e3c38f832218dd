namespace ReplicateMcp.Simulation;

/// <summary>Bytes of the simulated output files, generated on request from a prediction's seed.</summary>
internal static class SimulatedFiles
{
    /// <summary>Side of the square output images, in pixels.</summary>
    public const int ImageSize = 64;

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

    /// <summary>A 64×64 PNG: a diagonal gradient between two colours taken from the seed.</summary>
    public static byte[] Image(ulong seed)
    {
        var from = (R: (byte)seed, G: (byte)(seed >> 8), B: (byte)(seed >> 16));
        var to = (R: (byte)(seed >> 24), G: (byte)(seed >> 32), B: (byte)(seed >> 40));
        var rgb = new byte[ImageSize * ImageSize * 3];
        const int span = (2 * ImageSize) - 2;
        for (var y = 0; y < ImageSize; y++)
        {
            for (var x = 0; x < ImageSize; x++)
            {
                var t = x + y;
                var i = ((y * ImageSize) + x) * 3;
                rgb[i] = Lerp(from.R, to.R, t, span);
                rgb[i + 1] = Lerp(from.G, to.G, t, span);
                rgb[i + 2] = Lerp(from.B, to.B, t, span);
            }
        }

        return PngWriter.EncodeRgb(ImageSize, ImageSize, rgb);
    }

    private static byte Lerp(byte a, byte b, int t, int span) => (byte)(a + ((b - a) * t / span));
}
