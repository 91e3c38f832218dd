using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace ReplicateMcp.Predictions;

/// <summary>
/// A digest of a prediction input that ignores how the JSON was written (key order, spacing, <c>512</c> vs
/// <c>512.0</c>), so the input we sent and the input Replicate lists back compare equal.
/// </summary>
internal static class InputDigest
{
    public static string Of(JsonElement input)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(input, writer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void Write(JsonElement value, Utf8JsonWriter writer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(property.Value, writer);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                    Write(item, writer);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(value), skipInputValidation: true);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static string Number(JsonElement value)
    {
        // Dividing by 1.000… drops trailing zeros, so 512, 512.0 and 5.12e2 all read "512".
        if (value.TryGetDecimal(out var number))
            return (number / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
        return value.GetDouble().ToString("R", CultureInfo.InvariantCulture);
    }
}
