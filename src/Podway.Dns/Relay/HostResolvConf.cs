using System.Net;
using Podway.Dns.Forward;

namespace Podway.Dns.Relay;

/// <summary>
/// The host's resolvers from its resolv.conf, followed as it changes (DHCP, a VPN, systemd-resolved rewriting it):
/// the file's time and size are looked at no more than once per <paramref name="checkEvery"/> (default 2 s), and
/// re-read when they moved.
/// Loopback resolvers are kept (the relay asks from the host, where 127.0.0.53 answers); the excluded addresses (the
/// relay's own, the cluster DNS) are left out, since forwarding to either would loop. No file, an empty path or a
/// file without nameservers: none.
/// </summary>
internal sealed class HostResolvConf(string? path, IReadOnlyList<IPAddress> exclude, TimeSpan? checkEvery = null)
{
    readonly long _checkEveryMs = (long)(checkEvery ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;

    sealed record Snapshot(IReadOnlyList<IPEndPoint> Upstreams, DateTime WriteTime, long Length, long CheckedAt);

    Snapshot? _current;

    public IReadOnlyList<IPEndPoint> Current()
    {
        var snapshot = Volatile.Read(ref _current);
        var now = Environment.TickCount64;
        if (snapshot is not null && now - snapshot.CheckedAt < _checkEveryMs) return snapshot.Upstreams;
        var (writeTime, length) = Stamp();
        // Unchanged: only the check time moves. Concurrent refreshes may race; each writes a correct snapshot.
        var next = snapshot is not null && snapshot.WriteTime == writeTime && snapshot.Length == length
            ? snapshot with { CheckedAt = now }
            : new Snapshot(Read(), writeTime, length, now);
        Volatile.Write(ref _current, next);
        return next.Upstreams;
    }

    (DateTime, long) Stamp()
    {
        if (string.IsNullOrEmpty(path)) return (default, -1);
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (default, -1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (default, -1); }
    }

    IReadOnlyList<IPEndPoint> Read()
    {
        if (string.IsNullOrEmpty(path)) return [];
        try { return ResolvConf.Upstreams(File.ReadAllText(path), exclude, keepLoopback: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
