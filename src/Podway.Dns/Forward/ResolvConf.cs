using System.Net;

namespace Podway.Dns.Forward;

/// <summary>Upstream resolvers from a resolv.conf, as CoreDNS's `forward . /etc/resolv.conf` reads them.</summary>
public static class ResolvConf
{
    /// <summary>
    /// The `nameserver` entries of <paramref name="text"/> on port 53, without loopback stubs (127.0.0.53 and the
    /// like would be this node's own stub, unreachable or a loop from a Pod) and without <paramref name="exclude"/>
    /// (the cluster DNS's own addresses: forwarding to ourselves would loop). <paramref name="keepLoopback"/> keeps
    /// loopback entries, for a reader on the host itself (the host DNS relay), where the stub is reachable.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Upstreams(string text, IEnumerable<IPAddress>? exclude = null, bool keepLoopback = false)
    {
        var skip = new HashSet<IPAddress>(exclude ?? []);
        var result = new List<IPEndPoint>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.StartsWith(';')) continue;
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields is not ["nameserver", var address, ..]) continue;
            var percent = address.IndexOf('%'); // fe80::1%eth0
            if (!IPAddress.TryParse(percent < 0 ? address : address[..percent], out var ip)) continue;
            if ((IPAddress.IsLoopback(ip) && !keepLoopback) || skip.Contains(ip)) continue;
            var endpoint = new IPEndPoint(ip, 53);
            if (!result.Contains(endpoint)) result.Add(endpoint);
        }
        return result;
    }
}
