using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Podway.Node.Network.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket of one network namespace (the one its opening thread was in): requests go out one at a
/// time and each waits for its answer, as `ip` does. The kernel's errors come back as <see cref="NetlinkException"/>
/// with the errno, so a caller can take EEXIST or ENODEV as the answer it is.
/// </summary>
internal sealed partial class RouteNetlink : IDisposable
{
    const int AfNetlink = 16, SockRaw = 3, SockCloexec = 0x80000, NetlinkRoute = 0;
    const ushort NlmsgError = 2, NlmsgDone = 3;

    readonly int _fd;
    readonly byte[] _receive = new byte[32 * 1024];
    uint _sequence;

    RouteNetlink(int fd) => _fd = fd;

    /// <summary>A socket of the calling thread's namespace.</summary>
    public static RouteNetlink Open()
    {
        var fd = socket(AfNetlink, SockRaw | SockCloexec, NetlinkRoute);
        if (fd < 0) throw new IOException($"netlink socket: {Marshal.GetLastPInvokeErrorMessage()}");
        return new RouteNetlink(fd);
    }

    /// <summary>
    /// A socket of the namespace at <paramref name="netnsPath"/>, opened after <paramref name="inside"/> ran there (a
    /// sysctl under /proc/sys/net names that namespace's), by the process's NetnsThread, which visits the namespace
    /// and comes back (a caller on another thread waits for it). The socket stays in that namespace for its life.
    /// </summary>
    public static RouteNetlink OpenIn(string netnsPath, Action? inside = null)
    {
        RouteNetlink OpenThere() => NetnsThread.Inside(netnsPath, () =>
        {
            inside?.Invoke();
            return Open();
        });
        return NetnsThread.IsCurrent ? OpenThere() : NetnsThread.RunAsync(OpenThere).GetAwaiter().GetResult();
    }

    /// <summary>Sends a change and waits for its acknowledgement.</summary>
    public void Change(NetlinkMessage message) => Exchange(message, wantReply: false);

    /// <summary>Sends a query for one object (not a dump) and returns the kernel's reply message (header included).</summary>
    public byte[] Query(NetlinkMessage message) => Exchange(message, wantReply: true)!;

    byte[]? Exchange(NetlinkMessage message, bool wantReply)
    {
        var sequence = ++_sequence;
        var request = message.Finish(sequence);
        if (!wantReply) BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(6), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6)) | NetlinkMessage.NlmFAck));
        if (send(_fd, request, request.Length, 0) < 0) throw new IOException($"netlink send: {Marshal.GetLastPInvokeErrorMessage()}");
        while (true)
        {
            var n = (int)recv(_fd, _receive, _receive.Length, 0);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == 4) continue; // EINTR
                throw new IOException($"netlink recv: {Marshal.GetLastPInvokeErrorMessage()}");
            }
            for (var offset = 0; offset + 16 <= n;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_receive.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(_receive.AsSpan(offset + 4));
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(_receive.AsSpan(offset + 8));
                if (length < 16 || offset + length > n) throw new IOException("netlink: a truncated reply");
                if (seq == sequence)
                {
                    if (type == NlmsgError)
                    {
                        var errno = -BinaryPrimitives.ReadInt32LittleEndian(_receive.AsSpan(offset + 16));
                        if (errno != 0) throw new NetlinkException(errno);
                        if (!wantReply) return null;
                    }
                    else if (type != NlmsgDone && wantReply) return _receive[offset..(offset + length)];
                }
                offset += (length + 3) & ~3;
            }
        }
    }

    public void Dispose() => close(_fd);

    [DllImport("libc", SetLastError = true)] static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] static extern nint send(int fd, byte[] buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern nint recv(int fd, byte[] buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
}

/// <summary>An error the kernel answered a netlink request with.</summary>
internal sealed class NetlinkException(int errno) : IOException($"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public const int EExist = 17, ENoDev = 19, ENoEnt = 2;
    public int Errno { get; } = errno;
}
