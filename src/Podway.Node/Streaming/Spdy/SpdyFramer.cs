using System.Buffers.Binary;
using System.Text;

namespace Podway.Node.Streaming.Spdy;

/// <summary>
/// Encodes and decodes SPDY/3 frames for one side of a connection. Header blocks share one zlib stream per
/// direction for the life of the connection, so encoding must happen in the order frames hit the wire.
/// </summary>
internal sealed class SpdyFramer : IDisposable
{
    public const ushort Version = 3;
    public const int MaxDataLength = 0xFFFFFF;
    readonly ZlibStream _compressor = ZlibStream.Compressor();
    readonly ZlibStream _decompressor = ZlibStream.Decompressor();

    /// <summary>Reads the next frame, or null at a clean end of stream (between frames).</summary>
    public async Task<SpdyFrame?> ReadAsync(Stream input, CancellationToken ct)
    {
        var head = new byte[8];
        var first = await input.ReadAtLeastAsync(head, 8, throwOnEndOfStream: false, ct);
        if (first == 0) return null;
        if (first < 8) throw new EndOfStreamException("truncated SPDY frame header");
        var length = (head[5] << 16) | (head[6] << 8) | head[7];
        var payload = new byte[length];
        await input.ReadExactlyAsync(payload, ct);
        return Decode(head, payload);
    }

    public SpdyFrame Decode(ReadOnlySpan<byte> head, byte[] payload)
    {
        var flags = head[4];
        if ((head[0] & 0x80) == 0)
            return new DataFrame(BinaryPrimitives.ReadUInt32BigEndian(head) & 0x7FFFFFFF, (flags & SpdyFrame.FlagFin) != 0, payload);

        var version = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(head) & 0x7FFF);
        if (version != Version) throw new InvalidDataException($"unsupported SPDY version {version}");
        var type = (SpdyControlType)BinaryPrimitives.ReadUInt16BigEndian(head[2..]);
        var p = payload.AsSpan();
        uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(at));
        var fin = (flags & SpdyFrame.FlagFin) != 0;
        return type switch
        {
            SpdyControlType.SynStream => new SynStreamFrame(U32(0) & 0x7FFFFFFF, U32(4) & 0x7FFFFFFF, (byte)(p[8] >> 5), fin,
                (flags & SpdyFrame.FlagUnidirectional) != 0, DecodeHeaders(p[10..])),
            SpdyControlType.SynReply => new SynReplyFrame(U32(0) & 0x7FFFFFFF, fin, DecodeHeaders(p[4..])),
            SpdyControlType.RstStream => new RstStreamFrame(U32(0) & 0x7FFFFFFF, (RstStatus)U32(4)),
            SpdyControlType.Settings => DecodeSettings(flags, p),
            SpdyControlType.Ping => new PingFrame(U32(0)),
            SpdyControlType.GoAway => new GoAwayFrame(U32(0) & 0x7FFFFFFF, p.Length >= 8 ? U32(4) : 0),
            SpdyControlType.Headers => new HeadersFrame(U32(0) & 0x7FFFFFFF, fin, DecodeHeaders(p[4..])),
            SpdyControlType.WindowUpdate => new WindowUpdateFrame(U32(0) & 0x7FFFFFFF, U32(4) & 0x7FFFFFFF),
            _ => throw new InvalidDataException($"unknown SPDY control frame type {(ushort)type}"),
        };
    }

    static SettingsFrame DecodeSettings(byte flags, ReadOnlySpan<byte> p)
    {
        var count = BinaryPrimitives.ReadUInt32BigEndian(p);
        var entries = new List<(byte, uint, uint)>();
        for (var i = 0; i < count; i++)
        {
            var at = 4 + i * 8;
            entries.Add((p[at], BinaryPrimitives.ReadUInt32BigEndian(p[at..]) & 0xFFFFFF, BinaryPrimitives.ReadUInt32BigEndian(p[(at + 4)..])));
        }
        return new SettingsFrame((flags & 0x01) != 0, entries);
    }

    SpdyHeaders DecodeHeaders(ReadOnlySpan<byte> compressed)
    {
        var block = _decompressor.Decompress(compressed).AsSpan();
        var count = BinaryPrimitives.ReadUInt32BigEndian(block);
        var pairs = new List<KeyValuePair<string, string>>();
        var at = 4;
        string Next(ReadOnlySpan<byte> b)
        {
            var len = (int)BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
            var s = Encoding.UTF8.GetString(b.Slice(at + 4, len));
            at += 4 + len;
            return s;
        }
        for (var i = 0; i < count; i++)
        {
            var name = Next(block);
            var value = Next(block);
            pairs.Add(KeyValuePair.Create(name, value));
        }
        return new SpdyHeaders(pairs);
    }

    public byte[] Encode(SpdyFrame frame) => frame switch
    {
        DataFrame d => Data(d),
        SynStreamFrame s => Control(SpdyControlType.SynStream, (byte)((s.Fin ? SpdyFrame.FlagFin : 0) | (s.Unidirectional ? SpdyFrame.FlagUnidirectional : 0)),
            [.. U32(s.StreamId), .. U32(s.AssociatedStreamId), (byte)(s.Priority << 5), 0, .. EncodeHeaders(s.Headers)]),
        SynReplyFrame r => Control(SpdyControlType.SynReply, r.Fin ? SpdyFrame.FlagFin : (byte)0, [.. U32(r.StreamId), .. EncodeHeaders(r.Headers)]),
        RstStreamFrame r => Control(SpdyControlType.RstStream, 0, [.. U32(r.StreamId), .. U32((uint)r.Status)]),
        SettingsFrame s => Control(SpdyControlType.Settings, s.ClearSettings ? (byte)1 : (byte)0,
            [.. U32((uint)s.Entries.Count), .. s.Entries.SelectMany(e => (byte[])[.. U32((uint)e.Flags << 24 | e.Id), .. U32(e.Value)])]),
        PingFrame p => Control(SpdyControlType.Ping, 0, U32(p.Id)),
        GoAwayFrame g => Control(SpdyControlType.GoAway, 0, [.. U32(g.LastGoodStreamId), .. U32(g.Status)]),
        HeadersFrame h => Control(SpdyControlType.Headers, h.Fin ? SpdyFrame.FlagFin : (byte)0, [.. U32(h.StreamId), .. EncodeHeaders(h.Headers)]),
        WindowUpdateFrame w => Control(SpdyControlType.WindowUpdate, 0, [.. U32(w.StreamId), .. U32(w.DeltaWindowSize)]),
        _ => throw new ArgumentException($"cannot encode {frame.GetType().Name}"),
    };

    static byte[] Data(DataFrame d)
    {
        if (d.Data.Length > MaxDataLength) throw new ArgumentException("DATA frame too large");
        var bytes = new byte[8 + d.Data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, d.StreamId & 0x7FFFFFFF);
        WriteFlagsAndLength(bytes, d.Fin ? SpdyFrame.FlagFin : (byte)0, d.Data.Length);
        d.Data.CopyTo(bytes, 8);
        return bytes;
    }

    static byte[] Control(SpdyControlType type, byte flags, byte[] payload)
    {
        var bytes = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, 0x8000 | Version);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)type);
        WriteFlagsAndLength(bytes, flags, payload.Length);
        payload.CopyTo(bytes, 8);
        return bytes;
    }

    static void WriteFlagsAndLength(byte[] bytes, byte flags, int length)
    {
        bytes[4] = flags;
        bytes[5] = (byte)(length >> 16);
        bytes[6] = (byte)(length >> 8);
        bytes[7] = (byte)length;
    }

    static byte[] U32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    /// <summary>The uncompressed SPDY/3 name/value block: u32 count, then u32-length-prefixed names and values.</summary>
    public static byte[] HeaderBlock(SpdyHeaders headers)
    {
        var block = new MemoryStream();
        block.Write(U32((uint)headers.Pairs.Count));
        foreach (var (name, value) in headers.Pairs)
        {
            var n = Encoding.UTF8.GetBytes(name.ToLowerInvariant());
            var v = Encoding.UTF8.GetBytes(value);
            block.Write(U32((uint)n.Length));
            block.Write(n);
            block.Write(U32((uint)v.Length));
            block.Write(v);
        }
        return block.ToArray();
    }

    byte[] EncodeHeaders(SpdyHeaders headers) => _compressor.Compress(HeaderBlock(headers));

    public void Dispose()
    {
        _compressor.Dispose();
        _decompressor.Dispose();
    }
}
