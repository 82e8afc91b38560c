using System.Security.Cryptography;
using System.Text;

namespace Podway.Proxy.Rules;

/// <summary>Chain, set and map names of the proxy's table, as kube-proxy's nftables proxier names them.</summary>
internal static class ProxyNames
{
    // Base chains (hooked).
    public const string FilterPrerouting = "filter-prerouting";
    public const string FilterInput = "filter-input";
    public const string FilterForward = "filter-forward";
    public const string FilterOutput = "filter-output";
    public const string FilterOutputPostDnat = "filter-output-post-dnat";
    public const string NatPrerouting = "nat-prerouting";
    public const string NatOutput = "nat-output";
    public const string NatPostrouting = "nat-postrouting";

    // Shared regular chains.
    public const string Services = "services";
    public const string Masquerading = "masquerading";
    public const string MarkForMasquerade = "mark-for-masquerade";
    public const string ServiceEndpointsCheck = "service-endpoints-check";
    public const string NodePortEndpointsCheck = "nodeport-endpoints-check";
    public const string ClusterIpsCheck = "cluster-ips-check";
    public const string FirewallCheck = "firewall-check";
    public const string RejectChain = "reject-chain";

    // Sets and verdict maps.
    public const string ServiceIpsMap = "service-ips";
    public const string ServiceNodePortsMap = "service-nodeports";
    public const string NoEndpointServicesMap = "no-endpoint-services";
    public const string NoEndpointNodePortsMap = "no-endpoint-nodeports";
    public const string FirewallIpsMap = "firewall-ips";
    public const string ClusterIpsSet = "cluster-ips";
    public const string NodePortIpsSet = "nodeport-ips";
    /// <summary>"endpoint . endpoint": after DNAT, a packet whose source is its own endpoint is a hairpin.</summary>
    public const string HairpinSet = "hairpin-endpoints";

    public const string IpProtoPortVerdict = "ipv4_addr . inet_proto . inet_service : verdict";
    public const string ProtoPortVerdict = "inet_proto . inet_service : verdict";

    /// <summary>kube-proxy's masquerade mark (--masquerade-bit 14).</summary>
    public const string MasqueradeMark = "0x4000";

    /// <summary>
    /// The upper 16 bits of the packet mark a Service port's chain sets before it DNATs (the lower 16, with the
    /// masquerade bit, are kept): an NFLOG message carries the mark, so a policy drop after DNAT still names the Service
    /// the client asked for (the flow log), where the packet itself only shows the endpoint. 16 bits of the port's
    /// SHA-256, never 0; the recorder tells rare collisions apart by the endpoint the packet went to.
    /// </summary>
    public static uint ServiceMark(string portId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(portId));
        var tag = (uint)(hash[0] << 8 | hash[1]);
        return (tag == 0 ? 1u : tag) << 16;
    }

    public const uint ServiceMarkMask = 0xffff0000;

    public static string SetServiceMark(string portId) => $"meta mark set meta mark & 0x0000ffff | 0x{ServiceMark(portId):x8}";

    public static string ServiceChain(string portId) => "service-" + HashAndTruncate(portId);
    public static string LocalChain(string portId) => "local-" + HashAndTruncate(portId);
    public static string ExternalChain(string portId) => "external-" + HashAndTruncate(portId);
    public static string FirewallChain(string portId) => "firewall-" + HashAndTruncate(portId);
    public static string EndpointChain(string portId, string ip, int port) => "endpoint-" + HashAndTruncate($"{portId}__{ip}/{port}");
    public static string AffinitySet(string portId, string ip, int port) => "affinity-" + HashAndTruncate($"{portId}__{ip}/{port}");

    /// <summary>kube-proxy's hashAndTruncate: 8 base32 characters of the SHA-256, a dash, the readable name.</summary>
    static string HashAndTruncate(string name)
    {
        var encoded = Base32(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        var full = encoded + "-" + name;
        return full.Length > 200 ? full[..197] + "..." : full;
    }

    static string Base32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5) { sb.Append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5; }
        }
        if (bits > 0) sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }
}
