using Podway.Proxy.Nft;
using static Podway.Proxy.Rules.ProxyNames;

namespace Podway.Proxy.Rules;

/// <summary>
/// The skeleton of the tables, written on every full sync: hooked chains, the shared dispatch chains and the
/// verdict maps, the structure of kube-proxy's setupNFTables split over the main table and the shards (see
/// <see cref="TableLayout"/>). Priorities as numbers: dstnat = -100, srcnat = 100, filter-* at dstnat-10 so the
/// no-endpoint REJECT happens before DNAT, filter-output-post-dnat at dstnat+10.
/// </summary>
internal static class BaseRules
{
    /// <summary>Hooked chains of the main table: no DNAT here, so nothing in it depends on the shards' order.</summary>
    public static readonly (string Name, BaseChain Hook, string[] Rules)[] MainHooked =
    [
        (FilterPrerouting, new("filter", "prerouting", -110), [$"ct state new jump {FirewallCheck}"]),
        (FilterInput, new("filter", "input", -110), [$"ct state new jump {NodePortEndpointsCheck}", $"ct state new jump {ServiceEndpointsCheck}"]),
        (FilterForward, new("filter", "forward", -110), [$"ct state new jump {ServiceEndpointsCheck}", $"ct state new jump {ClusterIpsCheck}"]),
        (FilterOutput, new("filter", "output", -110), [$"ct state new jump {ServiceEndpointsCheck}", $"ct state new jump {FirewallCheck}"]),
        (FilterOutputPostDnat, new("filter", "output", -90), [$"ct state new jump {ClusterIpsCheck}"]),
        (NatPostrouting, new("nat", "postrouting", 100), [$"jump {Masquerading}"]),
    ];

    public static readonly (string Name, string Type, bool IsMap)[] MainMaps =
    [
        (ClusterIpsSet, "ipv4_addr", false),
        (NodePortIpsSet, "ipv4_addr", false),
        (HairpinSet, "ipv4_addr . ipv4_addr", false),
        (NoEndpointServicesMap, IpProtoPortVerdict, true),
        (NoEndpointNodePortsMap, ProtoPortVerdict, true),
        (FirewallIpsMap, IpProtoPortVerdict, true),
    ];

    public static readonly (string Name, string Type, bool IsMap)[] ShardMaps =
    [
        (NodePortIpsSet, "ipv4_addr", false),
        (ServiceIpsMap, IpProtoPortVerdict, true),
        (ServiceNodePortsMap, ProtoPortVerdict, true),
    ];

    /// <summary>Writes the main table's skeleton (maps before the chains whose rules use them).</summary>
    public static void WriteMain(NftTransaction tx, string serviceCidr, IReadOnlyList<string> nodeIps)
    {
        foreach (var (name, type, isMap) in MainMaps) tx.AddSet(name, type, isMap);
        foreach (var ip in nodeIps) tx.AddElement(NodePortIpsSet, ip);
        var regular = new (string Name, string[] Rules)[]
        {
            // kube-proxy's is a bare `reject` (ICMP port unreachable), which the kernel rate-limits per destination
            // (icmp_ratelimit): a client trying a Service again and again soon gets no answer and waits for its
            // timeout. A TCP reset is not rate-limited and refuses at once; UDP and SCTP keep the ICMP answer.
            // The NFLOG statement hands each refused packet to the node's flow log (Flows/FlowRecorder).
            (RejectChain, [Flows.FlowRecorder.LogStatement(Flows.FlowRecorder.RejectPrefix), "meta l4proto tcp reject with tcp reset", "reject"]),
            (MarkForMasquerade, [$"meta mark set meta mark | {MasqueradeMark}"]),
            (Masquerading, [$"ip saddr . ip daddr @{HairpinSet} jump {MarkForMasquerade}", $"meta mark & {MasqueradeMark} == 0 return", $"meta mark set meta mark ^ {MasqueradeMark}", "masquerade fully-random"]),
            (ServiceEndpointsCheck, [$"ip daddr . meta l4proto . th dport vmap @{NoEndpointServicesMap}"]),
            (NodePortEndpointsCheck, [$"ip daddr @{NodePortIpsSet} meta l4proto . th dport vmap @{NoEndpointNodePortsMap}"]),
            // Traffic to a ClusterIP on a port it does not serve is refused; the rest of the Service range is dropped.
            (ClusterIpsCheck, [$"ip daddr @{ClusterIpsSet} goto {RejectChain}", $"ip daddr {serviceCidr} drop"]),
            (FirewallCheck, [$"ip daddr . meta l4proto . th dport vmap @{FirewallIpsMap}"]),
        };
        WriteChains(tx, regular, MainHooked);
    }

    /// <summary>Writes one shard's skeleton: its nat base chains, `services` dispatch and its own masquerade mark chain.</summary>
    public static void WriteShard(NftTransaction tx, int shard, IReadOnlyList<string> nodeIps)
    {
        foreach (var (name, type, isMap) in ShardMaps) tx.AddSet(name, type, isMap);
        foreach (var ip in nodeIps) tx.AddElement(NodePortIpsSet, ip);
        var regular = new (string Name, string[] Rules)[]
        {
            // A jump cannot leave its table: the shard marks with its own chain, the main table's postrouting masquerades.
            (MarkForMasquerade, [$"meta mark set meta mark | {MasqueradeMark}"]),
            (Services, [$"ip daddr . meta l4proto . th dport vmap @{ServiceIpsMap}", $"ip daddr @{NodePortIpsSet} meta l4proto . th dport vmap @{ServiceNodePortsMap}"]),
        };
        var priority = TableLayout.NatPriority(shard);
        WriteChains(tx, regular,
        [
            (NatPrerouting, new("nat", "prerouting", priority), [$"jump {Services}"]),
            (NatOutput, new("nat", "output", priority), [$"jump {Services}"]),
        ]);
    }

    static void WriteChains(NftTransaction tx, (string Name, string[] Rules)[] regular, (string Name, BaseChain Hook, string[] Rules)[] hooked)
    {
        foreach (var (name, _) in regular) tx.AddChain(name);
        foreach (var (name, rules) in regular) foreach (var rule in rules) tx.AddRule(name, rule);
        foreach (var (name, hook, rules) in hooked)
        {
            tx.AddChain(name, hook);
            foreach (var rule in rules) tx.AddRule(name, rule);
        }
    }
}
