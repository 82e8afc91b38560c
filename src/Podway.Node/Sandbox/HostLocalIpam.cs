using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace Podway.Node.Sandbox;

/// <summary>
/// The CNI host-local IPAM plugin's allocator, run in the agent, on host-local's own disk store: under
/// DATADIR/NETWORK one file per reserved address holding "CONTAINERID\r\nIFNAME", last_reserved_ip.0 naming the last
/// one handed out (the next search starts after it, so a freed address is not reused at once), and the store's
/// `lock` file held with flock(2) while it changes. The real plugin can therefore release what this one reserved
/// and the other way round. Ranges are one IPv4 subnet: network+1 .. broadcast-1, the gateway left out.
/// </summary>
internal sealed class HostLocalIpam(string dataDir, string network)
{
    const string LineBreak = "\r\n";
    const string LastReservedFile = "last_reserved_ip.0";
    static readonly object ProcessGate = new(); // flock excludes other processes; threads of this one queue here

    string Store => Path.Combine(dataDir, network);

    /// <summary>Reserves an address of <paramref name="subnet"/> for the container's interface (the one it has, if any).</summary>
    public IPAddress Allocate(string containerId, string ifName, IPNetwork subnet, IPAddress gateway)
    {
        if (subnet.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || subnet.PrefixLength > 30)
            throw new IOException($"host-local: {subnet} is not an IPv4 range with room for addresses");
        return Locked(() =>
        {
            if (Reserved(containerId, ifName).FirstOrDefault() is { } existing) return existing;
            var first = ToUInt(subnet.BaseAddress) + 1;
            var last = (ToUInt(subnet.BaseAddress) | (uint.MaxValue >> subnet.PrefixLength)) - 1;
            var count = last - first + 1;
            var start = first;
            if (ReadLastReserved() is { } previous && previous >= first && previous <= last) start = previous == last ? first : previous + 1;
            for (uint i = 0; i < count; i++)
            {
                var candidate = first + (start - first + i) % count;
                var address = FromUInt(candidate);
                if (address.Equals(gateway)) continue;
                try
                {
                    using var file = new FileStream(Path.Combine(Store, address.ToString()), FileMode.CreateNew, FileAccess.Write);
                    file.Write(System.Text.Encoding.ASCII.GetBytes(containerId + LineBreak + ifName));
                }
                catch (IOException) when (File.Exists(Path.Combine(Store, address.ToString()))) { continue; }
                File.WriteAllText(Path.Combine(Store, LastReservedFile), address.ToString());
                return address;
            }
            throw new IOException($"no IP addresses available in range set: {FromUInt(first)}-{FromUInt(last)}");
        });
    }

    /// <summary>Frees whatever the container's interface holds; nothing held is fine (DEL is idempotent).</summary>
    public void Release(string containerId, string ifName)
    {
        if (!Directory.Exists(Store)) return;
        Locked(() =>
        {
            foreach (var address in Reserved(containerId, ifName)) File.Delete(Path.Combine(Store, address.ToString()));
            return 0;
        });
    }

    /// <summary>Addresses reserved for the container's interface (host-local's older files hold the id alone).</summary>
    List<IPAddress> Reserved(string containerId, string ifName)
    {
        var found = new List<IPAddress>();
        foreach (var path in Directory.EnumerateFiles(Store))
        {
            if (!IPAddress.TryParse(Path.GetFileName(path), out var address)) continue;
            string owner;
            try { owner = File.ReadAllText(path).Trim(); }
            catch (FileNotFoundException) { continue; }
            if (owner == containerId + LineBreak + ifName || owner == containerId) found.Add(address);
        }
        return found;
    }

    uint? ReadLastReserved()
    {
        try { return IPAddress.TryParse(File.ReadAllText(Path.Combine(Store, LastReservedFile)).Trim(), out var a) ? ToUInt(a) : null; }
        catch (FileNotFoundException) { return null; }
    }

    T Locked<T>(Func<T> work)
    {
        Directory.CreateDirectory(Store);
        lock (ProcessGate)
        {
            // libc's open, not a FileStream: .NET takes a flock of its own on open, which would fail while host-local holds one.
            var fd = open(Path.Combine(Store, "lock"), OpenReadWrite | OpenCreate | OpenCloexec, 0b110_000_000);
            if (fd < 0) throw new IOException($"host-local: opening {Store}/lock: {Marshal.GetLastPInvokeErrorMessage()}");
            try
            {
                if (flock(fd, LockExclusive) != 0) throw new IOException($"host-local: locking {Store}: {Marshal.GetLastPInvokeErrorMessage()}");
                return work();
            }
            finally { close(fd); } // releases the lock
        }
    }

    internal static uint ToUInt(IPAddress a) => BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());

    internal static IPAddress FromUInt(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    const int LockExclusive = 2, OpenReadWrite = 2, OpenCreate = 0x40, OpenCloexec = 0x80000;
    [DllImport("libc", SetLastError = true)] static extern int flock(int fd, int operation);
    [DllImport("libc", SetLastError = true)] static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
}
