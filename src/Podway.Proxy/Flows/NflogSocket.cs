using System.Buffers.Binary;
using System.Text;

namespace Podway.Proxy.Flows;

/// <summary>A packet the kernel handed to an NFLOG group: the rule's `log prefix`, the packet's first bytes and its mark.</summary>
public sealed record NflogPacket(string Prefix, byte[] Payload, uint Mark = 0);

/// <summary>
/// One NFLOG group of the current network namespace (nfnetlink_log, what `log group N` in an nft rule feeds), read
/// through a netlink socket. Unlike the kernel's printk `log`, NFLOG works in every network namespace and reaches
/// only its listener, so a node's drops never end up in the host's kernel log. One listener per group and namespace:
/// binding a group someone else holds fails with EBUSY.
/// </summary>
public sealed class NflogSocket : IDisposable
{
    const ushort MsgConfig = (4 << 8) | 1, MsgPacket = (4 << 8) | 0, NlmsgError = 2;
    const ushort FlagRequest = 1, FlagAck = 4;
    const ushort CfgCmd = 1, CfgMode = 2, CfgTimeout = 4, CfgQthresh = 5;
    const byte CmdBind = 1, CopyPacket = 2;
    const ushort AttrMark = 2, AttrPayload = 9, AttrPrefix = 10;

    readonly NetfilterSocket _socket;
    readonly byte[] _buffer = new byte[256 * 1024];
    int _seq;

    /// <param name="copyBytes">How much of each packet to copy (headers, and a DNS question for port 53).</param>
    public NflogSocket(ushort group, int copyBytes = 512)
    {
        _socket = new NetfilterSocket(0, "NFLOG");
        try
        {
            Configure(group, Attr(CfgCmd, [CmdBind]));
            var mode = new byte[6];
            BinaryPrimitives.WriteInt32BigEndian(mode, copyBytes);
            mode[4] = CopyPacket;
            Configure(group, Attr(CfgMode, mode));
            // Hand over each packet at once (the defaults batch up to 100 packets or one second).
            Configure(group, Attr(CfgQthresh, BigEndian(1)));
            Configure(group, Attr(CfgTimeout, BigEndian(1)));
        }
        catch { _socket.Dispose(); throw; }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for packets and returns those that arrived (maybe none). One reader only.</summary>
    public IReadOnlyList<NflogPacket> Receive(int timeoutMs) => Parse(_buffer.AsSpan(0, _socket.Receive(_buffer, timeoutMs)));

    /// <summary>The NFLOG packet messages in one netlink datagram.</summary>
    internal static List<NflogPacket> Parse(ReadOnlySpan<byte> data)
    {
        var packets = new List<NflogPacket>();
        while (data.Length >= 16)
        {
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            if (len < 16 || len > data.Length) break;
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (type == MsgPacket && len >= 20)
            {
                string prefix = "";
                byte[] payload = [];
                uint mark = 0;
                var attrs = data[20..len];
                while (attrs.Length >= 4)
                {
                    var alen = BinaryPrimitives.ReadUInt16LittleEndian(attrs);
                    var atype = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attrs[2..]) & 0x3fff);
                    if (alen < 4 || alen > attrs.Length) break;
                    var value = attrs[4..alen];
                    if (atype == AttrPrefix) prefix = Encoding.ASCII.GetString(value.TrimEnd((byte)0));
                    else if (atype == AttrPayload) payload = value.ToArray();
                    else if (atype == AttrMark && value.Length >= 4) mark = BinaryPrimitives.ReadUInt32BigEndian(value);
                    attrs = attrs[Math.Min(attrs.Length, NetfilterSocket.Align(alen))..];
                }
                packets.Add(new NflogPacket(prefix, payload, mark));
            }
            data = data[Math.Min(data.Length, NetfilterSocket.Align(len))..];
        }
        return packets;
    }

    void Configure(ushort group, byte[] attrs)
    {
        var msg = new byte[20 + attrs.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, (uint)msg.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), MsgConfig);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(6), FlagRequest | FlagAck);
        BinaryPrimitives.WriteUInt32LittleEndian(msg.AsSpan(8), (uint)Interlocked.Increment(ref _seq));
        msg[16] = 0; // AF_UNSPEC
        msg[17] = 0; // NFNETLINK_V0
        BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(18), group);
        attrs.CopyTo(msg, 20);
        _socket.Send(msg);
        var reply = new byte[4096];
        var n = _socket.Receive(reply, 2000);
        if (n == 0) throw new IOException("netlink: no answer to an NFLOG configuration request");
        if (n >= 20 && BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(4)) == NlmsgError)
        {
            var error = BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(16));
            if (error != 0)
                throw new IOException($"NFLOG group {group}: {(error == -16 ? "another listener holds it (EBUSY)" : $"errno {-error}")}");
        }
    }

    static byte[] Attr(ushort type, byte[] value)
    {
        var attr = new byte[NetfilterSocket.Align(4 + value.Length)];
        BinaryPrimitives.WriteUInt16LittleEndian(attr, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(attr.AsSpan(2), type);
        value.CopyTo(attr, 4);
        return attr;
    }

    static byte[] BigEndian(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        return b;
    }

    public void Dispose() => _socket.Dispose();
}
