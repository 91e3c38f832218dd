using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ReplicateMcp.Simulation;

/// <summary>Process-independent hashes, so the same model and input give the same output in every run.</summary>
internal static class StableHash
{
    /// <summary>Lowercase hex SHA-256 of the text: 64 characters, the shape of a Replicate version id.</summary>
    public static string Hex64(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Seed from the model and its input, insensitive to the order of the input's properties.</summary>
    public static ulong Seed(string model, JsonElement input)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, input);
        }

        var modelBytes = Encoding.UTF8.GetBytes(model.ToLowerInvariant() + "\n");
        var hash = SHA256.HashData([.. modelBytes, .. buffer.ToArray()]);
        return BitConverter.ToUInt64(hash, 0);
    }

    /// <summary>Seed of the text alone.</summary>
    public static ulong Seed(string text) => BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    /// <summary>A well-spread derived seed (SplitMix64 finaliser), e.g. one per output file.</summary>
    public static ulong Mix(ulong seed, ulong salt)
    {
        var z = seed + ((salt + 1) * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
