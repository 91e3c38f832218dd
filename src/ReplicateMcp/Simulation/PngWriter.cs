using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ReplicateMcp.Simulation;

/// <summary>Minimal PNG encoder (8-bit RGB, no filtering): just enough for real, viewable output files.</summary>
internal static class PngWriter
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Encodes <paramref name="rgb"/> (row-major, 3 bytes a pixel) as a PNG file.</summary>
    public static byte[] EncodeRgb(int width, int height, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var stride = width * 3;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException($"Expected {stride * height} bytes of RGB data, got {rgb.Length}.", nameof(rgb));
        }

        using var file = new MemoryStream();
        file.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(file, "IHDR", header);

        WriteChunk(file, "IDAT", Compress(rgb, stride, height));
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static byte[] Compress(ReadOnlySpan<byte> rgb, int stride, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                // Each scanline starts with its filter type; 0 (None) keeps the encoder trivial.
                zlib.WriteByte(0);
                zlib.Write(rgb.Slice(y * stride, stride));
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream file, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);

        var typeBytes = Encoding.ASCII.GetBytes(type);
        file.Write(typeBytes);
        file.Write(data);

        // The CRC covers the chunk type and data, not the length.
        var crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, typeBytes), data));
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        file.Write(word);
    }
}
