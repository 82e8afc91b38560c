using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

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
            attrs = attrs[Math.Min(attrs.Length, NflogSocket.Align(len))..];
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
    const int AfNetlink = 16, SockRaw = 3, SockCloexec = 0x80000, NetlinkNetfilter = 12;
    const uint GroupConntrackNew = 1; // NFNLGRP_CONNTRACK_NEW
    const ushort MsgCtNew = (1 << 8) | 0; // NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW
    const short PollIn = 1;

    readonly int _fd;
    readonly byte[] _buffer = new byte[256 * 1024];

    public ConntrackEvents()
    {
        _fd = socket(AfNetlink, SockRaw | SockCloexec, NetlinkNetfilter);
        if (_fd < 0) throw new IOException($"netlink socket: {Marshal.GetLastPInvokeErrorMessage()}");
        var addr = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(addr, AfNetlink);
        BinaryPrimitives.WriteUInt32LittleEndian(addr.AsSpan(8), GroupConntrackNew);
        var rcvbuf = 4 << 20;
        setsockopt(_fd, 1 /* SOL_SOCKET */, 8 /* SO_RCVBUF */, ref rcvbuf, sizeof(int));
        if (bind(_fd, addr, addr.Length) < 0)
        {
            var error = Marshal.GetLastPInvokeErrorMessage();
            close(_fd);
            throw new IOException($"ctnetlink events: {error}");
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> and returns the connections confirmed meanwhile (maybe none). One reader only.</summary>
    public IReadOnlyList<ConntrackNew> Receive(int timeoutMs)
    {
        var fds = new PollFd { Fd = _fd, Events = PollIn };
        if (poll(ref fds, 1, timeoutMs) <= 0) return [];
        var n = (int)recv(_fd, _buffer, _buffer.Length, 0x40 /* MSG_DONTWAIT */);
        if (n < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 11 or 4 or 105) return []; // EAGAIN, EINTR, ENOBUFS (events lost while we were slow: go on)
            throw new IOException($"ctnetlink recv: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return Parse(_buffer.AsSpan(0, n));
    }

    internal static List<ConntrackNew> Parse(ReadOnlySpan<byte> data)
    {
        var events = new List<ConntrackNew>();
        while (data.Length >= 16)
        {
            var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            if (len < 16 || len > data.Length) break;
            if (BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) == MsgCtNew && len >= 20 && ConntrackNew.Parse(data[20..len]) is { } c)
                events.Add(c);
            data = data[Math.Min(data.Length, NflogSocket.Align(len))..];
        }
        return events;
    }

    public void Dispose() => close(_fd);

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd { public int Fd; public short Events; public short Revents; }

    [DllImport("libc", SetLastError = true)] static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] static extern int bind(int fd, byte[] addr, int len);
    [DllImport("libc", SetLastError = true)] static extern int setsockopt(int fd, int level, int name, ref int value, int len);
    [DllImport("libc", SetLastError = true)] static extern nint recv(int fd, byte[] buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern int poll(ref PollFd fds, nuint n, int timeout);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
}
