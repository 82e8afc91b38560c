using Podway.Api.Errors;
using Podway.Api.Protobuf;

namespace Podway.Api.Tests.Protobuf;

/// <summary>Hand-built bodies: every malformed input is a 400 BadRequest, never a crash or a hang.</summary>
public sealed class MalformedBodyTests
{
    static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    /// <summary>An envelope around raw object bytes: {1: TypeMeta{1 apiVersion, 2 kind}, 2: raw}.</summary>
    static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var typeMeta = Concat(Bytes(1, System.Text.Encoding.UTF8.GetBytes(apiVersion)), Bytes(2, System.Text.Encoding.UTF8.GetBytes(kind)));
        return Concat(Magic, Bytes(1, typeMeta), Bytes(2, raw));
    }

    static byte[] Bytes(int field, byte[] value) => Concat(Varint((ulong)(field << 3 | 2)), Varint((ulong)value.Length), value);

    static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        } while (value != 0);
        return [.. bytes];
    }

    static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static TheoryData<string, byte[]> MalformedBodies() => new()
    {
        { "empty", [] },
        { "wrong magic", Concat([0x6b, 0x38, 0x73, 0x01], Bytes(2, [])) },
        { "truncated varint", Concat(Magic, [0x0a, 0xff, 0xff]) },
        { "length past the end", Concat(Magic, [0x0a, 0x40, 0x01]) },
        { "varint longer than 10 bytes", Concat(Magic, Enumerable.Repeat((byte)0xff, 12).ToArray()) },
        { "field number zero", Concat(Magic, [0x02, 0x00]) },
        { "unknown kind", Envelope("v1", "Nope", []) },
        { "no kind", Envelope("v1", "", []) },
        { "object with bad nested length", Envelope("v1", "ConfigMap", [0x0a, 0x05, 0x0a, 0x10]) },
        { "string field as varint", Envelope("v1", "ConfigMap", Concat([0x0a], Varint(2), [0x08, 0x01])) },
        { "invalid utf-8 name", Envelope("v1", "ConfigMap", Bytes(1, Bytes(1, [0xff, 0xfe]))) },
        { "deep nesting ending in a truncated length", Envelope("v1", "ConfigMap", Concat(Bytes(1, Nested(99, 200)), [0x12, 0x7f])) },
    };

    /// <summary>200 levels of length-delimited nesting under one field number.</summary>
    static byte[] Nested(int field, int depth)
    {
        var inner = Array.Empty<byte>();
        for (var i = 0; i < depth; i++) inner = Bytes(field, inner);
        return inner;
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedBody_ThrowsBadRequest(string why, byte[] body)
    {
        var error = Assert.Throws<ApiException>(() => KubeProtobuf.Decode(body));

        Assert.True(error.Code == 400, why);
        Assert.Equal("BadRequest", error.Reason);
    }

    [Fact]
    public void Decode_DeeplyNestedUnknownField_IsSkippedWithoutRecursion()
    {
        // k8s types never nest themselves, so depth is bounded by the schema; unknown nesting is skipped flat
        var body = Envelope("v1", "ConfigMap", Concat(Bytes(1, Concat(Bytes(1, "deep"u8.ToArray()), Nested(99, 10_000)))));

        var decoded = KubeProtobuf.Decode(body);

        Assert.Equal("deep", (string?)decoded["metadata"]!["name"]);
    }

    [Fact]
    public void Decode_UnknownFieldNumbers_AreSkipped()
    {
        // ConfigMap{metadata{name:"x"}, field 99 (unknown, varint 7), data{"a":"b"}}
        var metadata = Bytes(1, Bytes(1, "x"u8.ToArray()));
        var unknown = Concat(Varint(99 << 3 | 0), [0x07]);
        var data = Bytes(2, Concat(Bytes(1, "a"u8.ToArray()), Bytes(2, "b"u8.ToArray())));

        var decoded = KubeProtobuf.Decode(Envelope("v1", "ConfigMap", Concat(metadata, unknown, data)));

        Assert.Equal("x", (string?)decoded["metadata"]!["name"]);
        Assert.Equal("b", (string?)decoded["data"]!["a"]);
    }

    [Theory]
    [InlineData("application/vnd.kubernetes.protobuf", true)]
    [InlineData("application/vnd.kubernetes.protobuf; charset=utf-8", true)]
    [InlineData("application/json", false)]
    [InlineData("application/cbor", false)]
    [InlineData(null, false)]
    public void IsProtobuf_ContentType_MatchesOnlyKubeProtobuf(string? contentType, bool expected) =>
        Assert.Equal(expected, KubeProtobuf.IsProtobuf(contentType));

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1_500_000L, "1.5ms")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_723_500_000_000L, "1h2m3.5s")]
    public void FormatDuration_Nanoseconds_PrintsLikeGo(long nanos, string expected) =>
        Assert.Equal(expected, WellKnownTypes.FormatDuration(nanos));
}
