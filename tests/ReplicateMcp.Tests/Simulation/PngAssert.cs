using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

/// <summary>Checks a PNG file chunk by chunk.</summary>
internal static class PngAssert
{
    public static void IsValidRgb(byte[] png, int width, int height)
    {
        Assert.Equal(PngWriter.Signature.ToArray(), png[..8]);
        var chunks = new List<string>();
        using var idat = new MemoryStream();
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var typeAndData = png.AsSpan(offset + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32.Compute(typeAndData), crc);
            if (type == "IHDR")
            {
                Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(typeAndData[4..]));
                Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(typeAndData[8..]));
                Assert.Equal(8, typeAndData[12]);
                Assert.Equal(2, typeAndData[13]);
            }
            else if (type == "IDAT")
            {
                idat.Write(typeAndData[4..]);
            }

            chunks.Add(type);
            offset += 12 + length;
        }

        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks);
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.Equal(height * (1 + (width * 3)), raw.Length);
    }
}
