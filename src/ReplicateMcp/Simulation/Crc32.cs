namespace ReplicateMcp.Simulation;

/// <summary>CRC-32 (IEEE 802.3, as PNG chunks use it); System.IO.Hashing is not referenced.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>Initial register value for an incremental computation.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds more bytes into a running register.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    /// <summary>Turns a running register into the CRC value.</summary>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
