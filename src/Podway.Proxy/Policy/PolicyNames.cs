using System.Text;

namespace Podway.Proxy.Policy;

/// <summary>Names in the policy table `ip podway-&lt;cluster&gt;-policy` (so the cluster's cleanup `podway-&lt;cluster&gt;-*` removes it).</summary>
public static class PolicyNames
{
    public static string TableFor(string proxyTable) => $"{proxyTable}-policy";

    /// <summary>Hooked at filter forward, after nat prerouting (-100): every packet is seen with its DNATed Pod address.</summary>
    public const string EgressChain = "egress";
    public const string IngressChain = "ingress";
    public const int EgressPriority = 0;
    /// <summary>After egress: an accept there passes the packet on to this chain; a drop anywhere is final.</summary>
    public const int IngressPriority = 1;
    /// <summary>The node's own addresses (node IP, Pod bridge gateway): kubelet probes are never subject to policy.</summary>
    public const string NodeIpsSet = "node-ips";
    /// <summary>The AdminNetworkPolicy tier (before the NetworkPolicies) and the BaselineAdminNetworkPolicy tier
    /// (after them), jumped to from the hooked chains: every (B)ANP rule flattened, in priority and rule order.</summary>
    public static string AdminChain(string direction) => $"anp-{direction}";
    public static string BaselineChain(string direction) => $"banp-{direction}";
    /// <summary>The NetworkPolicy dispatch, jumped to from the hooked chains: every policy's jump to its chain, then
    /// (in the second chain) its counted drop. Order inside each does not matter (a union), so a policy's rules are
    /// appended and deleted by handle: adding or removing one policy touches no other policy's rules.</summary>
    public static string DispatchChain(string direction) => $"np-{direction}";
    public static string DropChain(string direction) => $"np-{direction}-drops";
    public static bool IsDispatch(string chain) => chain is "np-ingress" or "np-egress" or "np-ingress-drops" or "np-egress-drops";
    public const string IngressDropLog = "drops-ingress";
    public const string EgressDropLog = "drops-egress";
    public const string DropLogType = "ipv4_addr . ipv4_addr . inet_proto . inet_service";

    /// <summary>A short stable id per policy (chain names stay short whatever the namespace/name): "np" + FNV-1a of namespace/name.</summary>
    public static string Id(string policyKey)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(policyKey)) hash = (hash ^ b) * 16777619u;
        return $"np{hash:x8}";
    }

    /// <summary>"anp" + FNV-1a of the name; the one BaselineAdminNetworkPolicy (always `default`) is "banp".</summary>
    public static string AdminId(AdminPolicyView policy) => policy.Baseline ? "banp" : "a" + Id(policy.Name);

    public static string Short(string direction) => direction == "ingress" ? "in" : "eg";
    public static string Targets(string id) => $"{id}-pods";
    public static string Chain(string id, string direction) => $"{id}-{Short(direction)}";
    public static string Counter(string id, string direction) => $"{id}-{Short(direction)}-drops";
    public static string PeerPods(string id, string direction, int rule) => $"{id}-{Short(direction)}{rule}-pods";
    public static string PeerBlocks(string id, string direction, int rule) => $"{id}-{Short(direction)}{rule}-blocks";
    public static string Ports(string id, string direction, int rule) => $"{id}-{Short(direction)}{rule}-ports";
    public static string NamedPorts(string id, string direction, int rule) => $"{id}-{Short(direction)}{rule}-named";
    /// <summary>An (B)ANP rule's packet counter (every action) and, for Deny rules, its own drop-log set.</summary>
    public static string RuleCounter(string id, string direction, int rule) => $"{id}-{Short(direction)}{rule}-hits";
    public static string RuleDropLog(string id, string direction, int rule) => $"{id}-{Short(direction)}{rule}-log";
}
