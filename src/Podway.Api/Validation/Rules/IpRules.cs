using System.Net;
using System.Net.Sockets;

namespace Podway.Api.Validation;

/// <summary>IP and CIDR checks with kube's messages (k8s.io/apimachinery/pkg/util/validation/ip.go).</summary>
public static class IpRules
{
    /// <summary>Parses a plain IPv4 or IPv6 address; rejects zones, brackets and IPv4 leading zeros as Go's netip does.</summary>
    public static IPAddress? Parse(string value)
    {
        if (value.Length == 0 || value.Contains('%') || value.Contains('[') || value.Contains('/')) return null;
        if (!IPAddress.TryParse(value, out var ip)) return null;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var parts = value.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length == 0 || p.Length > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')))
                return null;
        }
        return ip;
    }

    public static bool IsIPv4(string value) => Parse(value)?.AddressFamily == AddressFamily.InterNetwork;
    public static bool IsIPv6(string value) => Parse(value)?.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Parses "addr/prefix"; the address need not be the network address.</summary>
    public static (IPAddress Address, int Prefix)? ParseCidr(string value)
    {
        var slash = value.IndexOf('/');
        if (slash < 0) return null;
        var ip = Parse(value[..slash]);
        var bits = value[(slash + 1)..];
        if (ip is null || bits.Length == 0 || !bits.All(char.IsAsciiDigit) || (bits.Length > 1 && bits[0] == '0') || !int.TryParse(bits, out var prefix)) return null;
        var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return prefix <= max ? (ip, prefix) : null;
    }

    /// <summary>True when the address lies inside the CIDR.</summary>
    public static bool Contains((IPAddress Address, int Prefix) cidr, IPAddress ip)
    {
        var a = cidr.Address.GetAddressBytes();
        var b = ip.GetAddressBytes();
        if (a.Length != b.Length) return false;
        for (var bit = 0; bit < cidr.Prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
        }
        return true;
    }

    internal static void ValidIP(List<FieldError> errs, string path, string value)
    {
        if (Parse(value) is null) errs.Add(Errs.Invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }

    internal static void ValidCidr(List<FieldError> errs, string path, string value)
    {
        if (ParseCidr(value) is null) errs.Add(Errs.Invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
    }

    /// <summary>core validation ValidateNonSpecialIP, used for Endpoints and EndpointSlice addresses.</summary>
    internal static void NonSpecialIP(List<FieldError> errs, string path, string value)
    {
        var ip = Parse(value);
        if (ip is null) { errs.Add(Errs.Invalid(path, value, "must be a valid IP address")); return; }
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            errs.Add(Errs.Invalid(path, value, $"may not be unspecified ({value})"));
        if (IPAddress.IsLoopback(ip))
            errs.Add(Errs.Invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        var bytes = ip.GetAddressBytes();
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        if (v4 ? bytes[0] == 169 && bytes[1] == 254 : ip.IsIPv6LinkLocal)
            errs.Add(Errs.Invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        if (v4 ? bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0 : bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02)
            errs.Add(Errs.Invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
}
