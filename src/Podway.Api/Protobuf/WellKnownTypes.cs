using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Api.Protobuf;

/// <summary>apimachinery types with their own JSON form: Time, MicroTime, Duration, IntOrString, Quantity, RawExtension.</summary>
internal static class WellKnownTypes
{
    public static bool IsWellKnown(string name) => name is "Time" or "MicroTime" or "Duration" or "IntOrString" or "Quantity" or "RawExtension";

    /// <summary>The JSON of a value-typed field the wire did not carry (Go's zero value).</summary>
    public static JsonNode? Zero(string name) => name switch
    {
        "Time" or "MicroTime" or "RawExtension" => null,
        "Duration" => "0s",
        "IntOrString" => 0,
        "Quantity" => "0",
        _ => throw new InvalidOperationException(name),
    };

    public static JsonNode? Decode(string name, ReadOnlySpan<byte> data) => name switch
    {
        "Time" => DecodeTime(data, micro: false),
        "MicroTime" => DecodeTime(data, micro: true),
        "Duration" => FormatDuration((long)ReadScalars(data).GetValueOrDefault(1).Varint),
        "IntOrString" => DecodeIntOrString(data),
        "Quantity" => ReadScalars(data).GetValueOrDefault(1).Text ?? "0",
        "RawExtension" => DecodeRaw(data),
        _ => throw new InvalidOperationException(name),
    };

    readonly record struct Scalar(ulong Varint, string? Text, byte[]? Bytes);

    static Dictionary<int, Scalar> ReadScalars(ReadOnlySpan<byte> data)
    {
        var values = new Dictionary<int, Scalar>();
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (wireType == 0) values[field] = new Scalar(reader.ReadVarint(), null, null);
            else if (wireType == 2)
            {
                var bytes = reader.ReadLengthDelimited();
                values[field] = new Scalar(0, DecodeUtf8(bytes), bytes.ToArray());
            }
            else reader.Skip(wireType);
        }
        return values;
    }

    static JsonNode? DecodeTime(ReadOnlySpan<byte> data, bool micro)
    {
        // apimachinery: empty bytes are the zero time (JSON null); Time drops nanos, MicroTime keeps microseconds
        if (data.IsEmpty) return null;
        var values = ReadScalars(data);
        var seconds = (long)values.GetValueOrDefault(1).Varint;
        var nanos = (long)(int)values.GetValueOrDefault(2).Varint;
        if (seconds < -62135596800 || seconds > 253402300799) throw WireReader.Malformed($"timestamp seconds {seconds} out of range");
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        if (!micro) return time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        time = time.AddTicks(nanos / 1000 * 10);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    static JsonNode DecodeIntOrString(ReadOnlySpan<byte> data)
    {
        var values = ReadScalars(data);
        return values.GetValueOrDefault(1).Varint == 1
            ? JsonValue.Create(values.GetValueOrDefault(3).Text ?? "")
            : JsonValue.Create((int)values.GetValueOrDefault(2).Varint);
    }

    static JsonNode? DecodeRaw(ReadOnlySpan<byte> data)
    {
        var raw = ReadScalars(data).GetValueOrDefault(1).Bytes;
        if (raw == null || raw.Length == 0) return null;
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            throw WireReader.Malformed("embedded object (RawExtension) is not JSON");
        }
    }

    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw WireReader.Malformed("string field is not valid UTF-8");
        }
    }

    /// <summary>Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s".</summary>
    public static string FormatDuration(long nanos)
    {
        if (nanos == 0) return "0s";
        var negative = nanos < 0;
        var u = negative ? (ulong)(-(nanos + 1)) + 1 : (ulong)nanos;
        string text;
        if (u < 1_000_000_000)
        {
            // sub-second: pick ns, µs or ms like Go does
            var (unit, scale) = u < 1_000 ? ("ns", 1UL) : u < 1_000_000 ? ("µs", 1_000UL) : ("ms", 1_000_000UL);
            text = Fraction(u, scale) + unit;
        }
        else
        {
            var hours = u / 3_600_000_000_000;
            var rest = u % 3_600_000_000_000;
            var minutes = rest / 60_000_000_000;
            rest %= 60_000_000_000;
            text = Fraction(rest, 1_000_000_000) + "s";
            if (hours > 0) text = $"{hours}h{minutes}m{text}";
            else if (minutes > 0) text = $"{minutes}m{text}";
        }
        return negative ? "-" + text : text;
    }

    static string Fraction(ulong value, ulong scale)
    {
        var whole = value / scale;
        var frac = value % scale;
        if (frac == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var digits = scale.ToString(CultureInfo.InvariantCulture).Length - 1;
        return $"{whole}.{frac.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0')}";
    }
}
