using Podway.Api.Errors;

namespace Podway.Api.Protobuf;

/// <summary>Reads protobuf wire-format primitives from a byte span; every bound is checked so malformed input throws 400.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> data = data;
    int position;

    public bool AtEnd => position >= data.Length;

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) throw Malformed("truncated varint");
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Malformed("varint longer than 10 bytes");
    }

    /// <summary>Reads a tag; returns the field number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field == 0 || field > 536_870_911) throw Malformed($"invalid field number {field}");
        return ((int)field, (int)(tag & 7));
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(data.Length - position)) throw Malformed($"length {length} runs past the end of the message");
        var slice = data.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }

    public ulong ReadFixed64()
    {
        if (data.Length - position < 8) throw Malformed("truncated fixed64");
        var value = BitConverter.ToUInt64(data.Slice(position, 8));
        position += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        if (data.Length - position < 4) throw Malformed("truncated fixed32");
        var value = BitConverter.ToUInt32(data.Slice(position, 4));
        position += 4;
        return value;
    }

    /// <summary>Skips a field of an unknown number, as proto decoders do.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: ReadFixed64(); break;
            case 2: ReadLengthDelimited(); break;
            case 5: ReadFixed32(); break;
            default: throw Malformed($"unsupported wire type {wireType}");
        }
    }

    public static ApiException Malformed(string why) =>
        ApiException.BadRequest($"unable to decode protobuf body: {why}");
}
