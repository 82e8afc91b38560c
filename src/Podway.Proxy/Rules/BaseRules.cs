using Podway.Proxy.Nft;
using static Podway.Proxy.Rules.ProxyNames;

namespace Podway.Proxy.Rules;

/// <summary>
/// The skeleton of the table, written on every full sync: hooked chains, the shared dispatch chains and the
/// verdict maps, exactly the structure of kube-proxy's setupNFTables (priorities as numbers: dstnat = -100,
/// srcnat = 100, filter-* at dstnat-10 so the no-endpoint REJECT happens before DNAT).
/// </summary>
internal static class BaseRules
{
    public static readonly (string Name, BaseChain Hook, string[] Rules)[] Hooked =
    [
        (FilterPrerouting, new("filter", "prerouting", -110), [$"ct state new jump {FirewallCheck}"]),
        (FilterInput, new("filter", "input", -110), [$"ct state new jump {NodePortEndpointsCheck}", $"ct state new jump {ServiceEndpointsCheck}"]),
        (FilterForward, new("filter", "forward", -110), [$"ct state new jump {ServiceEndpointsCheck}", $"ct state new jump {ClusterIpsCheck}"]),
        (FilterOutput, new("filter", "output", -110), [$"ct state new jump {ServiceEndpointsCheck}", $"ct state new jump {FirewallCheck}"]),
        (FilterOutputPostDnat, new("filter", "output", -90), [$"ct state new jump {ClusterIpsCheck}"]),
        (NatPrerouting, new("nat", "prerouting", -100), [$"jump {Services}"]),
        (NatOutput, new("nat", "output", -100), [$"jump {Services}"]),
        (NatPostrouting, new("nat", "postrouting", 100), [$"jump {Masquerading}"]),
    ];

    public static readonly (string Name, string Type, bool IsMap)[] Maps =
    [
        (ClusterIpsSet, "ipv4_addr", false),
        (NodePortIpsSet, "ipv4_addr", false),
        (HairpinSet, "ipv4_addr . ipv4_addr", false),
        (ServiceIpsMap, IpProtoPortVerdict, true),
        (ServiceNodePortsMap, ProtoPortVerdict, true),
        (NoEndpointServicesMap, IpProtoPortVerdict, true),
        (NoEndpointNodePortsMap, ProtoPortVerdict, true),
        (FirewallIpsMap, IpProtoPortVerdict, true),
    ];

    /// <summary>Writes the whole skeleton (maps before the chains whose rules use them).</summary>
    public static void Write(NftTransaction tx, string serviceCidr, IReadOnlyList<string> nodeIps)
    {
        foreach (var (name, type, isMap) in Maps) tx.AddSet(name, type, isMap);
        foreach (var ip in nodeIps) tx.AddElement(NodePortIpsSet, ip);

        var regular = new (string Name, string[] Rules)[]
        {
            (RejectChain, ["reject"]),
            (MarkForMasquerade, [$"meta mark set meta mark | {MasqueradeMark}"]),
            (Masquerading, [$"ip saddr . ip daddr @{HairpinSet} jump {MarkForMasquerade}", $"meta mark & {MasqueradeMark} == 0 return", $"meta mark set meta mark ^ {MasqueradeMark}", "masquerade fully-random"]),
            (Services, [$"ip daddr . meta l4proto . th dport vmap @{ServiceIpsMap}", $"ip daddr @{NodePortIpsSet} meta l4proto . th dport vmap @{ServiceNodePortsMap}"]),
            (ServiceEndpointsCheck, [$"ip daddr . meta l4proto . th dport vmap @{NoEndpointServicesMap}"]),
            (NodePortEndpointsCheck, [$"ip daddr @{NodePortIpsSet} meta l4proto . th dport vmap @{NoEndpointNodePortsMap}"]),
            // Traffic to a ClusterIP on a port it does not serve is refused; the rest of the Service range is dropped.
            (ClusterIpsCheck, [$"ip daddr @{ClusterIpsSet} reject", $"ip daddr {serviceCidr} drop"]),
            (FirewallCheck, [$"ip daddr . meta l4proto . th dport vmap @{FirewallIpsMap}"]),
        };
        foreach (var (name, _) in regular) tx.AddChain(name);
        foreach (var (name, rules) in regular) foreach (var rule in rules) tx.AddRule(name, rule);
        foreach (var (name, hook, rules) in Hooked)
        {
            tx.AddChain(name, hook);
            foreach (var rule in rules) tx.AddRule(name, rule);
        }
    }
}
