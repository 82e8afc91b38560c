using System.Net;

namespace Podway.Trace;

/// <summary>A resolv.conf as a stub resolver reads it: nameservers, search path, ndots.</summary>
public sealed record ResolvConf(IReadOnlyList<IPAddress> Nameservers, IReadOnlyList<string> Search, int Ndots)
{
    public static ResolvConf Parse(string text)
    {
        var servers = new List<IPAddress>();
        var search = new List<string>();
        var ndots = 1;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', ';')[0].Trim();
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            switch (parts[0])
            {
                case "nameserver" when IPAddress.TryParse(parts[1], out var ip): servers.Add(ip); break;
                case "search" or "domain": search = [.. parts[1..].Select(s => s.TrimEnd('.'))]; break;
                case "options":
                    foreach (var o in parts[1..])
                        if (o.StartsWith("ndots:", StringComparison.Ordinal) && int.TryParse(o[6..], out var n)) ndots = Math.Min(n, 15);
                    break;
            }
        }
        return new(servers, search, ndots);
    }

    /// <summary>
    /// The names a glibc/musl stub asks, in order: with fewer dots than ndots the search domains first, then the name
    /// as is; with ndots or more (or a trailing dot) the name first.
    /// </summary>
    public IReadOnlyList<string> Candidates(string name)
    {
        if (name.EndsWith('.')) return [name.TrimEnd('.')];
        var searched = Search.Select(s => $"{name}.{s}").ToList();
        return name.Count(c => c == '.') >= Ndots ? [name, .. searched] : [.. searched, name];
    }

    public string Describe() =>
        $"nameserver {string.Join(",", Nameservers)}, search {(Search.Count == 0 ? "(none)" : string.Join(" ", Search))}, ndots:{Ndots}";
}
