using System.Buffers.Binary;
using System.Text;

namespace Podway.Node.Network.Netlink;

/// <summary>
/// One rtnetlink request being written: the 16-byte nlmsghdr, the request's fixed header (ifinfomsg, ifaddrmsg,
/// rtmsg) and its attributes, nested ones included; every part padded to 4 bytes as netlink(7) requires.
/// </summary>
internal sealed class NetlinkMessage
{
    public const ushort NlmFRequest = 0x1, NlmFAck = 0x4, NlmFReplace = 0x100, NlmFExcl = 0x200, NlmFCreate = 0x400;
    const ushort NlaFNested = 0x8000;

    byte[] _buffer = new byte[256];
    int _length;

    public NetlinkMessage(ushort type, ushort flags)
    {
        Reserve(16);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), (ushort)(flags | NlmFRequest));
    }

    /// <summary>struct ifinfomsg: family, type, index, flags, change.</summary>
    public NetlinkMessage IfInfo(byte family, int index, uint flags = 0, uint change = 0)
    {
        var s = Reserve(16);
        s[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], change);
        return this;
    }

    /// <summary>struct ifaddrmsg: family, prefix length, flags, scope, index.</summary>
    public NetlinkMessage IfAddr(byte family, byte prefixLength, int index)
    {
        var s = Reserve(8);
        s[0] = family;
        s[1] = prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        return this;
    }

    /// <summary>struct rtmsg: a unicast route of the main table, as `ip route add` makes one.</summary>
    public NetlinkMessage Route(byte family, byte dstLength, byte protocol, byte scope)
    {
        var s = Reserve(12);
        s[0] = family;
        s[1] = dstLength;
        s[4] = 254; // RT_TABLE_MAIN
        s[5] = protocol;
        s[6] = scope;
        s[7] = 1; // RTN_UNICAST
        return this;
    }

    public NetlinkMessage Attr(ushort type, ReadOnlySpan<byte> value)
    {
        var s = Reserve(4 + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        value.CopyTo(s[4..]);
        return this;
    }

    public NetlinkMessage Attr(ushort type, string value)
    {
        var bytes = new byte[Encoding.ASCII.GetByteCount(value) + 1]; // NUL-terminated, as the kernel's string attributes
        Encoding.ASCII.GetBytes(value, bytes);
        return Attr(type, bytes);
    }

    public NetlinkMessage Attr(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Attr(type, b);
    }

    public NetlinkMessage Attr(ushort type, byte value) => Attr(type, [value]);

    /// <summary>Opens a nested attribute; what is written until <see cref="End"/> is its payload.</summary>
    public int Begin(ushort type)
    {
        var start = _length;
        Attr((ushort)(type | NlaFNested), ReadOnlySpan<byte>.Empty);
        return start;
    }

    public NetlinkMessage End(int start)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
        return this;
    }

    public byte[] Finish(uint sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), sequence);
        return _buffer[.._length];
    }

    Span<byte> Reserve(int size)
    {
        var padded = (size + 3) & ~3;
        if (_length + padded > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + padded));
        var span = _buffer.AsSpan(_length, padded);
        span.Clear();
        _length += padded;
        return span[..size];
    }
}
