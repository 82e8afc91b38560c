using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Podway.Proxy.Flows;

/// <summary>A packet the kernel handed to an NFLOG group: the rule's `log prefix`, and the packet's first bytes.</summary>
public sealed record NflogPacket(string Prefix, byte[] Payload);

/// <summary>
/// One NFLOG group of the current network namespace (nfnetlink_log, what `log group N` in an nft rule feeds), read
/// through a netlink socket. Unlike the kernel's printk `log`, NFLOG works in every network namespace and reaches
/// only its listener, so a node's drops never end up in the host's kernel log. One listener per group and namespace:
/// binding a group someone else holds fails with EBUSY.
/// </summary>
public sealed class NflogSocket : IDisposable
{
    const int AfNetlink = 16, SockRaw = 3, SockCloexec = 0x80000, NetlinkNetfilter = 12;
    const ushort MsgConfig = (4 << 8) | 1, MsgPacket = (4 << 8) | 0, NlmsgError = 2;
    const ushort FlagRequest = 1, FlagAck = 4;
    const ushort CfgCmd = 1, CfgMode = 2, CfgTimeout = 4, CfgQthresh = 5;
    const byte CmdBind = 1, CopyPacket = 2;
    const ushort AttrPayload = 9, AttrPrefix = 10;
    const short PollIn = 1;

    readonly int _fd;
    readonly byte[] _buffer = new byte[256 * 1024];
    int _seq;

    /// <param name="copyBytes">How much of each packet to copy (headers, and a DNS question for port 53).</param>
    public NflogSocket(ushort group, int copyBytes = 512)
    {
        _fd = socket(AfNetlink, SockRaw | SockCloexec, NetlinkNetfilter);
        if (_fd < 0) throw new IOException($"netlink socket: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            var addr = new byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(addr, AfNetlink);
            if (bind(_fd, addr, addr.Length) < 0) throw new IOException($"netlink bind: {Marshal.GetLastPInvokeErrorMessage()}");
            var rcvbuf = 4 << 20;
            setsockopt(_fd, 1 /* SOL_SOCKET */, 8 /* SO_RCVBUF */, ref rcvbuf, sizeof(int));
            Configure(group, Attr(CfgCmd, [CmdBind]));
            var mode = new byte[6];
            BinaryPrimitives.WriteInt32BigEndian(mode, copyBytes);
            mode[4] = CopyPacket;
            Configure(group, Attr(CfgMode, mode));
            // Hand over each packet at once (the defaults batch up to 100 packets or one second).
            Configure(group, Attr(CfgQthresh, BigEndian(1)));
            Configure(group, Attr(CfgTimeout, BigEndian(1)));
        }
        catch { close(_fd); throw; }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for packets and returns those that arrived (maybe none). One reader only.</summary>
    public IReadOnlyList<NflogPacket> Receive(int timeoutMs)
    {
        var fds = new PollFd { Fd = _fd, Events = PollIn };
        if (poll(ref fds, 1, timeoutMs) <= 0) return [];
        var n = (int)recv(_fd, _buffer, _buffer.Length, 0x40 /* MSG_DONTWAIT */);
        if (n < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 11 or 4) return []; // EAGAIN, EINTR
            if (errno == 105) return []; // ENOBUFS: the kernel dropped messages we were too slow for; go on
            throw new IOException($"netlink recv: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        return Parse(_buffer.AsSpan(0, n));
    }

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
                var attrs = data[20..len];
                while (attrs.Length >= 4)
                {
                    var alen = BinaryPrimitives.ReadUInt16LittleEndian(attrs);
                    var atype = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attrs[2..]) & 0x3fff);
                    if (alen < 4 || alen > attrs.Length) break;
                    var value = attrs[4..alen];
                    if (atype == AttrPrefix) prefix = Encoding.ASCII.GetString(value.TrimEnd((byte)0));
                    else if (atype == AttrPayload) payload = value.ToArray();
                    attrs = attrs[Math.Min(attrs.Length, Align(alen))..];
                }
                packets.Add(new NflogPacket(prefix, payload));
            }
            data = data[Math.Min(data.Length, Align(len))..];
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
        if (send(_fd, msg, msg.Length, 0) < 0) throw new IOException($"netlink send: {Marshal.GetLastPInvokeErrorMessage()}");
        var reply = new byte[4096];
        var fds = new PollFd { Fd = _fd, Events = PollIn };
        if (poll(ref fds, 1, 2000) <= 0) throw new IOException("netlink: no answer to an NFLOG configuration request");
        var n = (int)recv(_fd, reply, reply.Length, 0);
        if (n >= 20 && BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(4)) == NlmsgError)
        {
            var error = BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(16));
            if (error != 0)
                throw new IOException($"NFLOG group {group}: {(error == -16 ? "another listener holds it (EBUSY)" : $"errno {-error}")}");
        }
    }

    static byte[] Attr(ushort type, byte[] value)
    {
        var attr = new byte[Align(4 + value.Length)];
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

    internal static int Align(int len) => (len + 3) & ~3;

    public void Dispose() => close(_fd);

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd { public int Fd; public short Events; public short Revents; }

    [DllImport("libc", SetLastError = true)] static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] static extern int bind(int fd, byte[] addr, int len);
    [DllImport("libc", SetLastError = true)] static extern int setsockopt(int fd, int level, int name, ref int value, int len);
    [DllImport("libc", SetLastError = true)] static extern nint send(int fd, byte[] buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern nint recv(int fd, byte[] buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern int poll(ref PollFd fds, nuint n, int timeout);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
}
