using System.Net;
using System.Net.Sockets;

namespace Podway.Proxy.Policy;

/// <summary>
/// An ipBlock as disjoint address ranges: the CIDR minus every `except`, so one interval set holds it and nft never
/// sees overlapping elements. Only IPv4 (the node's tables are `ip`); an IPv6 block matches nothing here.
/// </summary>
public static class IpBlockRanges
{
    public static IReadOnlyList<(uint First, uint Last)> Compute(string cidr, IEnumerable<string> except)
    {
        if (Parse(cidr) is not { } block) return [];
        var ranges = new List<(uint First, uint Last)> { block };
        foreach (var e in except)
        {
            if (Parse(e) is not { } cut) continue;
            ranges = [.. ranges.SelectMany(r => Subtract(r, cut))];
        }
        return ranges;
    }

    /// <summary>nft element text: "a.b.c.d" for one address, "first-last" for a range.</summary>
    public static string Element((uint First, uint Last) r) => r.First == r.Last ? Format(r.First) : $"{Format(r.First)}-{Format(r.Last)}";

    public static string Format(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";

    static IEnumerable<(uint, uint)> Subtract((uint First, uint Last) r, (uint First, uint Last) cut)
    {
        if (cut.Last < r.First || cut.First > r.Last) { yield return r; yield break; }
        if (cut.First > r.First) yield return (r.First, cut.First - 1);
        if (cut.Last < r.Last) yield return (cut.Last + 1, r.Last);
    }

    /// <summary>"10.0.0.0/8" (or a bare address) as its first and last address; null for IPv6 or junk.</summary>
    public static (uint First, uint Last)? Parse(string cidr)
    {
        var slash = cidr.IndexOf('/');
        var addrText = slash < 0 ? cidr : cidr[..slash];
        var prefix = 32;
        if (slash >= 0 && !int.TryParse(cidr[(slash + 1)..], out prefix)) return null;
        if (!IPAddress.TryParse(addrText, out var addr) || addr.AddressFamily != AddressFamily.InterNetwork || prefix is < 0 or > 32) return null;
        var b = addr.GetAddressBytes();
        var value = (uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3];
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return (value & mask, (value & mask) | ~mask);
    }
}
