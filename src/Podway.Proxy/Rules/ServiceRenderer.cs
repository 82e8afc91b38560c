using Podway.Proxy.Tracking;
using static Podway.Proxy.Rules.ProxyNames;

namespace Podway.Proxy.Rules;

/// <summary>
/// Renders one Service's ports into chains and verdict-map elements, following kube-proxy's nftables proxier
/// (syncProxyRules' per-service part): service-/local-/external-/firewall-/endpoint- chains, numgen random
/// choice among endpoints, per-endpoint affinity sets, and no-endpoint map entries that REJECT (or DROP when
/// only a Local traffic policy leaves no endpoint).
/// </summary>
internal sealed class ServiceRenderer(string nodeName, string podCidr)
{
    public RenderedService Render(IReadOnlyList<ServicePortInfo> ports, EndpointsView endpoints, IReadOnlyList<string> nodeIps)
    {
        var r = new RenderedService();
        foreach (var sp in ports) RenderPort(r, sp, endpoints.For(sp.ServiceKey, sp.PortName, sp.Protocol), nodeIps);
        return r;
    }

    void RenderPort(RenderedService r, ServicePortInfo sp, IReadOnlyList<EndpointInfo> all, IReadOnlyList<string> nodeIps)
    {
        // topology.CategorizeEndpoints: ready endpoints, else serving-terminating ones (graceful termination).
        var cluster = Usable(all);
        var local = Usable(all.Where(e => e.NodeName == nodeName).ToList());
        var hasEndpoints = cluster.Count > 0;
        var internalEps = sp.InternalPolicyLocal ? local : cluster;
        var externalEps = sp.ExternalPolicyLocal ? local : cluster;
        var usesCluster = cluster.Count > 0 && (!sp.InternalPolicyLocal || (sp.ExternallyAccessible && !sp.ExternalPolicyLocal));
        var usesLocal = local.Count > 0 && (sp.InternalPolicyLocal || (sp.ExternallyAccessible && sp.ExternalPolicyLocal));
        var proto = sp.Protocol;
        var clusterChain = ServiceChain(sp.Id);
        var localChain = LocalChain(sp.Id);
        var externalChain = ExternalChain(sp.Id);
        var internalChain = sp.InternalPolicyLocal ? localChain : clusterChain;
        var externalPolicyChain = sp.ExternalPolicyLocal ? localChain : clusterChain;
        var usesExternal = hasEndpoints && sp.ExternallyAccessible;

        // Endpoints: every endpoint's address goes into the hairpin set (a Pod reaching its own Service is
        // masqueraded in postrouting so the reply comes back through us). Only ClientIP affinity needs a chain per
        // endpoint (the `update @affinity` must run for the chosen one); otherwise the service chain DNATs directly.
        var reachable = (usesCluster ? cluster : []).Concat(usesLocal ? local : []).DistinctBy(e => e.Address).ToList();
        foreach (var ep in reachable)
        {
            r.Elements[(HairpinSet, $"{ep.Ip} . {ep.Ip}")] = null;
            if (sp.AffinitySeconds is not int timeout) continue;
            var set = AffinitySet(sp.Id, ep.Ip, ep.Port);
            r.AffinitySets[set] = timeout;
            r.Chains[EndpointChain(sp.Id, ep.Ip, ep.Port)] = [$"update @{set} {{ ip saddr }}", $"meta l4proto {proto} dnat to {ep.Ip}:{ep.Port}"];
        }

        if (usesCluster)
        {
            var rules = new List<string> { SetServiceMark(sp.Id), $"ip daddr {sp.ClusterIp} {proto} dport {sp.Port} ip saddr != {podCidr} jump {MarkForMasquerade}" };
            AddBalancing(rules, sp, cluster);
            r.Chains[clusterChain] = rules;
        }
        if (usesLocal)
        {
            var rules = new List<string> { SetServiceMark(sp.Id) };
            AddBalancing(rules, sp, local);
            r.Chains[localChain] = rules;
        }
        if (usesExternal)
        {
            var rules = new List<string>();
            if (!sp.ExternalPolicyLocal)
            {
                rules.Add($"jump {MarkForMasquerade}");
            }
            else
            {
                // Pod-to-external-IP traffic is short-circuited to the cluster chain; node-originated traffic is
                // masqueraded (the source IP is the node's anyway); everything else keeps its source IP.
                if (usesCluster) rules.Add($"ip saddr {podCidr} goto {clusterChain}");
                rules.Add($"fib saddr type local jump {MarkForMasquerade}");
                if (usesCluster) rules.Add($"fib saddr type local goto {clusterChain}");
            }
            rules.Add(externalEps.Count > 0 ? $"goto {externalPolicyChain}" : "drop");
            r.Chains[externalChain] = rules;
        }

        // ClusterIP.
        r.Elements[(ClusterIpsSet, sp.ClusterIp)] = null;
        var ipKey = $"{sp.ClusterIp} . {proto} . {sp.Port}";
        if (internalEps.Count > 0) r.Elements[(ServiceIpsMap, ipKey)] = $"goto {internalChain}";
        else r.Elements[(NoEndpointServicesMap, ipKey)] = hasEndpoints ? "drop" : $"goto {RejectChain}";

        // externalIPs and LoadBalancer ingress IPs, with loadBalancerSourceRanges as a firewall chain.
        foreach (var ip in sp.ExternalIps.Concat(sp.LoadBalancerIps).Distinct())
        {
            var key = $"{ip} . {proto} . {sp.Port}";
            if (usesExternal && externalEps.Count > 0) r.Elements[(ServiceIpsMap, key)] = $"goto {externalChain}";
            else r.Elements[(NoEndpointServicesMap, key)] = hasEndpoints ? "drop" : $"goto {RejectChain}";
        }
        if (sp.LoadBalancerSourceRanges.Count > 0 && sp.LoadBalancerIps.Count > 0)
        {
            var fw = FirewallChain(sp.Id);
            r.Chains[fw] = [$"ip saddr != {{ {string.Join(", ", sp.LoadBalancerSourceRanges)} }} drop"];
            foreach (var ip in sp.LoadBalancerIps) r.Elements[(FirewallIpsMap, $"{ip} . {proto} . {sp.Port}")] = $"goto {fw}";
        }

        // NodePort on the node's IPs.
        if (sp.NodePort > 0 && nodeIps.Count > 0)
        {
            var key = $"{proto} . {sp.NodePort}";
            if (usesExternal && externalEps.Count > 0) r.Elements[(ServiceNodePortsMap, key)] = $"goto {externalChain}";
            else r.Elements[(NoEndpointNodePortsMap, key)] = hasEndpoints ? "drop" : $"goto {RejectChain}";
        }

        if (sp.ExternalPolicyLocal && sp.HealthCheckNodePort > 0) r.HealthCheckLocalEndpoints[sp.HealthCheckNodePort] = local.Count;
        if (proto == "udp") r.UdpPorts.Add((sp, cluster.Concat(local).DistinctBy(e => e.Address).ToList()));
    }

    static void AddBalancing(List<string> rules, ServicePortInfo sp, IReadOnlyList<EndpointInfo> eps)
    {
        var affinity = sp.AffinitySeconds is not null;
        if (affinity)
            foreach (var ep in eps)
                rules.Add($"ip saddr @{AffinitySet(sp.Id, ep.Ip, ep.Port)} goto {EndpointChain(sp.Id, ep.Ip, ep.Port)}");
        // Uniform choice as a cascade (rule i matches with probability 1/(N-i), the last one always), like iptables'
        // statistic mode. kube-proxy writes one `numgen random mod N vmap { ... }` into per-endpoint chains, but
        // every such vmap is an anonymous set and every chain is fetched by `nft` before each transaction (the
        // kernel's chain dump is quadratic in the number of chains), so without affinity the cascade DNATs directly.
        string Pick(EndpointInfo ep) => affinity ? $"goto {EndpointChain(sp.Id, ep.Ip, ep.Port)}" : $"meta l4proto {sp.Protocol} dnat to {ep.Ip}:{ep.Port}";
        // UDP picks by a hash of the client's address and port instead: glibc sends a lookup's A and AAAA queries from
        // one socket at once, and two simultaneous first packets DNATed to different endpoints clash in conntrack, which
        // drops one (the classic 5 s DNS timeout in Kubernetes). Hashing sends both to the same endpoint.
        var choose = sp.Protocol == "udp" ? "jhash ip saddr . udp sport" : "numgen random";
        for (var i = 0; i < eps.Count - 1; i++)
            rules.Add($"{choose} mod {eps.Count - i} 0 {Pick(eps[i])}");
        rules.Add(Pick(eps[^1]));
    }

    static IReadOnlyList<EndpointInfo> Usable(IReadOnlyList<EndpointInfo> eps)
    {
        var ready = eps.Where(e => e.Ready).ToList();
        return ready.Count > 0 ? ready : eps.Where(e => e.Serving && e.Terminating).ToList();
    }
}
