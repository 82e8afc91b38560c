using System.Buffers.Binary;
using System.Net;

namespace Podway.Proxy.Flows;

/// <summary>
/// A connection the kernel confirmed: the original tuple (what the client asked for: a Service address, say) and
/// where the reply comes from (the endpoint after DNAT). Confirmed means it passed every hook, so a packet a policy
/// dropped or the proxy rejected never becomes one.
/// </summary>
public sealed record ConntrackNew(string Protocol, string Source, int SourcePort, string Destination, int DestinationPort,
    string ReplySource, int ReplySourcePort)
{
    const ushort TupleOrig = 1, TupleReply = 2, TupleIp = 1, TupleProto = 2, Ipv4Src = 1, Ipv4Dst = 2, ProtoNum = 1, SrcPort = 2, DstPort = 3;

    /// <summary>The attributes of a ctnetlink IPCTNL_MSG_CT_NEW message (after its nfgenmsg), or null when a tuple is missing.</summary>
    internal static ConntrackNew? Parse(ReadOnlySpan<byte> attributes)
    {
        var orig = Tuple(Nested(attributes, TupleOrig));
        var reply = Tuple(Nested(attributes, TupleReply));
        if (orig is not { } o || reply is not { } r) return null;
        return new(PacketHeaders.ProtocolName(o.Proto), o.Src, o.SrcPort, o.Dst, o.DstPort, r.Src, r.SrcPort);
    }

    static (string Src, string Dst, int Proto, int SrcPort, int DstPort)? Tuple(ReadOnlySpan<byte> tuple)
    {
        if (tuple.IsEmpty) return null;
        var ip = Nested(tuple, TupleIp);
        var proto = Nested(tuple, TupleProto);
        var src = Nested(ip, Ipv4Src);
        var dst = Nested(ip, Ipv4Dst);
        var num = Nested(proto, ProtoNum);
        if (src.Length != 4 || dst.Length != 4 || num.Length < 1) return null;
        var sport = Nested(proto, SrcPort);
        var dport = Nested(proto, DstPort);
        return (new IPAddress(src).ToString(), new IPAddress(dst).ToString(), num[0],
            sport.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(sport) : 0, dport.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(dport) : 0);
    }

    /// <summary>The value of the first attribute of this type in a run of netlink attributes, empty when absent.</summary>
    static ReadOnlySpan<byte> Nested(ReadOnlySpan<byte> attrs, ushort type)
    {
        while (attrs.Length >= 4)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(attrs);
            var t = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attrs[2..]) & 0x3fff);
            if (len < 4 || len > attrs.Length) return [];
            if (t == type) return attrs[4..len];
            attrs = attrs[Math.Min(attrs.Length, NetfilterSocket.Align(len))..];
        }
        return [];
    }
}

/// <summary>
/// New connections in the current network namespace, from ctnetlink's NEW event group read on a netlink socket of our
/// own (what `conntrack -E -e NEW` reads). A socket, not that tool as a child: a child outliving a killed agent kept
/// the node's old network namespace, and with it the Pods' stale links, alive.
/// </summary>
public sealed class ConntrackEvents : IDisposable
{
    const uint GroupConntrackNew = 1; // NFNLGRP_CONNTRACK_NEW
    const ushort MsgCtNew = (1 << 8) | 0; // NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW

    readonly NetfilterSocket _socket = new(GroupConntrackNew, "ctnetlink events");
    readonly byte[] _buffer = new byte[256 * 1024];

    /// <summary>Waits up to <paramref name="timeoutMs"/> and returns the connections confirmed meanwhile (maybe none). One reader only.</summary>
    public IReadOnlyList<ConntrackNew> Receive(int timeoutMs) => Parse(_buffer.AsSpan(0, _socket.Receive(_buffer, timeoutMs)));

    internal static List<ConntrackNew> Parse(ReadOnlySpan<byte> data)
    {
        var events = new List<ConntrackNew>();
        while (data.Length >= 16)
        {
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            if (len < 16 || len > data.Length) break;
            if (BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) == MsgCtNew && len >= 20 && ConntrackNew.Parse(data[20..len]) is { } c)
                events.Add(c);
            data = data[Math.Min(data.Length, NetfilterSocket.Align(len))..];
        }
        return events;
    }

    public void Dispose() => _socket.Dispose();
}
