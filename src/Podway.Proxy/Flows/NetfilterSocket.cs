using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Podway.Proxy.Flows;

/// <summary>
/// A raw NETLINK_NETFILTER socket of the current thread's network namespace, subscribed to <c>groups</c>: the
/// plumbing <see cref="NflogSocket"/> and <see cref="ConntrackEvents"/> share (open, bind, send, wait and read).
/// </summary>
internal sealed class NetfilterSocket : IDisposable
{
    const int AfNetlink = 16, SockRaw = 3, SockCloexec = 0x80000, NetlinkNetfilter = 12;
    const short PollIn = 1;

    readonly int _fd;

    public NetfilterSocket(uint groups, string what)
    {
        _fd = socket(AfNetlink, SockRaw | SockCloexec, NetlinkNetfilter);
        if (_fd < 0) throw new IOException($"{what}: netlink socket: {Marshal.GetLastPInvokeErrorMessage()}");
        var addr = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(addr, AfNetlink);
        BinaryPrimitives.WriteUInt32LittleEndian(addr.AsSpan(8), groups);
        var rcvbuf = 4 << 20;
        setsockopt(_fd, 1 /* SOL_SOCKET */, 8 /* SO_RCVBUF */, ref rcvbuf, sizeof(int));
        if (bind(_fd, addr, addr.Length) < 0)
        {
            var error = Marshal.GetLastPInvokeErrorMessage();
            close(_fd);
            throw new IOException($"{what}: netlink bind: {error}");
        }
    }

    public void Send(byte[] message)
    {
        if (send(_fd, message, message.Length, 0) < 0) throw new IOException($"netlink send: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for one datagram; its length, or 0 when none came (or the kernel
    /// dropped some while we were slow, ENOBUFS: go on).</summary>
    public int Receive(byte[] buffer, int timeoutMs)
    {
        var fds = new PollFd { Fd = _fd, Events = PollIn };
        if (poll(ref fds, 1, timeoutMs) <= 0) return 0;
        var n = (int)recv(_fd, buffer, buffer.Length, 0x40 /* MSG_DONTWAIT */);
        if (n >= 0) return n;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is 11 or 4 or 105) return 0; // EAGAIN, EINTR, ENOBUFS
        throw new IOException($"netlink recv: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Netlink messages and attributes are padded to 4 bytes.</summary>
    public static int Align(int len) => (len + 3) & ~3;

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
