using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

public sealed class PngWriterTests
{
    [Fact]
    public void Compute_StandardCheckInput_GivesKnownCrc()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }

    [Fact]
    public void EncodeRgb_SmallImage_WritesValidChunks()
    {
        var rgb = new byte[3 * 2 * 3];
        rgb.AsSpan().Fill(200);

        var png = PngWriter.EncodeRgb(3, 2, rgb);

        PngAssert.IsValidRgb(png, 3, 2);
        Assert.Equal([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82], png[^12..]);
    }

    [Fact]
    public void EncodeRgb_WrongBufferLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.EncodeRgb(2, 2, new byte[5]));
    }

    [Fact]
    public void Image_DifferentSeeds_DifferentBytes()
    {
        Assert.NotEqual(SimulatedFiles.Image(1), SimulatedFiles.Image(2));
        Assert.Equal(SimulatedFiles.Image(7), SimulatedFiles.Image(7));
    }
}
