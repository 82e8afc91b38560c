using System.Text.Json.Nodes;
using Podway.Api.Validation;
using static Podway.Proxy.Policy.PolicyNames;

namespace Podway.Proxy.Policy;

/// <summary>
/// networking.k8s.io/v1 NetworkPolicy semantics compiled to nftables, as a pure function of the policies, Pods and
/// namespaces (no kernel): a Pod selected by a policy of a direction is isolated in that direction, and a packet is
/// let through when any rule of any policy selecting it allows it (a union); a Pod no policy selects stays open.
/// Per policy: a set of its target Pods, a chain per direction with one accept rule per (peer kind x port kind) of
/// each rule, and sets per rule for peer Pods, ipBlock ranges, numeric ports and named ports resolved per Pod. The
/// hooked chains dispatch by target set and drop, counted per policy, what no policy chain accepted. Pod and label
/// changes then only change set elements; only a policy change touches chains. AdminNetworkPolicies come before the
/// NetworkPolicies and the BaselineAdminNetworkPolicy after them, each as one tier chain (<see cref="CompileAdmin"/>).
/// </summary>
public static class PolicyCompiler
{
    public static PolicyRuleset Compile(IEnumerable<PolicyView> policies, IReadOnlyList<PodView> pods,
        IEnumerable<NamespaceView> namespaces, IEnumerable<string> nodeAddresses, IEnumerable<AdminPolicyView>? adminPolicies = null)
    {
        var nsLabels = namespaces.ToDictionary(n => n.Name, n => n.Labels, StringComparer.Ordinal);
        var sets = new Dictionary<string, PolicySet>(StringComparer.Ordinal)
        {
            [NodeIpsSet] = Plain("ipv4_addr", nodeAddresses),
            [IngressDropLog] = PolicySet.ForDropLog(),
            [EgressDropLog] = PolicySet.ForDropLog(),
        };
        var chains = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var ingressJumps = new List<string>();
        var egressJumps = new List<string>();
        var ingressDrops = new List<string>();
        var egressDrops = new List<string>();
        var counters = new List<string>();
        var owners = new List<DropOwner>();

        foreach (var policy in policies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var id = Id(policy.Key);
            var targets = pods.Where(p => p.Namespace == policy.Namespace && Matches(policy.PodSelector, p.Labels)).ToList();
            var targetIps = targets.Select(p => p.Ip).ToHashSet(StringComparer.Ordinal);
            sets[Targets(id)] = Plain("ipv4_addr", targetIps);
            foreach (var (direction, enabled, rules) in new[] { ("ingress", policy.Ingress, policy.IngressRules), ("egress", policy.Egress, policy.EgressRules) })
            {
                if (!enabled) continue;
                var own = Own(direction);
                var chainRules = new List<string>();
                for (var i = 0; i < rules.Count; i++)
                    chainRules.AddRange(RuleMatches(policy.Namespace, id, direction, i, rules[i], targets, pods, nsLabels, sets).Select(m => $"{m} accept".Trim()));
                chains[Chain(id, direction)] = chainRules;
                var counter = Counter(id, direction);
                counters.Add(counter);
                var log = direction == "ingress" ? IngressDropLog : EgressDropLog;
                owners.Add(new(policy.Key, direction, counter, targetIps, log));
                (direction == "ingress" ? ingressJumps : egressJumps).Add($"ip {own} @{Targets(id)} jump {Chain(id, direction)}");
                (direction == "ingress" ? ingressDrops : egressDrops).AddRange(Drop($"ip {own} @{Targets(id)}", log, counter));
            }
        }

        var adminRules = new List<AdminRuleCounter>();
        var admin = (adminPolicies ?? []).ToList();
        // Equal priorities are undefined upstream; the name breaks the tie so the order is at least stable.
        var tiers = new[]
        {
            (Chain: (Func<string, string>)AdminChain, Policies: admin.Where(p => !p.Baseline).OrderBy(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal).ToList()),
            (Chain: BaselineChain, Policies: admin.Where(p => p.Baseline).ToList()),
        };
        foreach (var (tierChain, tierPolicies) in tiers)
            foreach (var direction in new[] { "ingress", "egress" })
                chains[tierChain(direction)] = [.. tierPolicies.SelectMany(p => CompileAdmin(p, direction, pods, nsLabels, sets, counters, owners, adminRules))];

        const string Established = "ct state established,related accept";
        var hooked = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [EgressChain] = [Established, .. Tiers("egress")],
            [IngressChain] = [Established, $"ip saddr @{NodeIpsSet} accept", .. Tiers("ingress")],
            [DispatchChain("egress")] = egressJumps,
            [DropChain("egress")] = egressDrops,
            [DispatchChain("ingress")] = ingressJumps,
            [DropChain("ingress")] = ingressDrops,
        };
        foreach (var (name, rules) in chains) hooked[name] = rules;
        return new(sets, hooked, counters, owners) { AdminRules = adminRules };
    }

    /// <summary>The hooked chains' fixed part: the admin tier, the NetworkPolicies' jumps, their drops, the baseline.</summary>
    static string[] Tiers(string direction) =>
        [$"jump {AdminChain(direction)}", $"jump {DispatchChain(direction)}", $"jump {DropChain(direction)}", $"jump {BaselineChain(direction)}"];

    /// <summary>
    /// One direction of an (B)ANP as rules of its tier chain: each rule, in order, matches the subject Pods and the
    /// rule's peers and ports, counts, and ends with its action: Allow accepts (the NetworkPolicies and the baseline
    /// are skipped), Deny drops (logged in the rule's own set), Pass returns from the tier chain to the
    /// NetworkPolicies. The first matching rule of the first policy by priority decides; no match falls through.
    /// </summary>
    static IEnumerable<string> CompileAdmin(AdminPolicyView policy, string direction, IReadOnlyList<PodView> pods,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> nsLabels, Dictionary<string, PolicySet> sets,
        List<string> counters, List<DropOwner> owners, List<AdminRuleCounter> adminRules)
    {
        var id = AdminId(policy);
        var targets = policy.Subject is { } subject ? pods.Where(p => Selects("", subject, p, nsLabels)).ToList() : [];
        var targetIps = targets.Select(p => p.Ip).ToHashSet(StringComparer.Ordinal);
        sets[Targets(id)] = Plain("ipv4_addr", targetIps);
        var rules = direction == "ingress" ? policy.IngressRules : policy.EgressRules;
        var subjectMatch = $"ip {Own(direction)} @{Targets(id)}";
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var counter = RuleCounter(id, direction, i);
            counters.Add(counter);
            adminRules.Add(new(policy.Kind, policy.Name, direction, i, rule.Name, rule.Action, counter));
            var matches = RuleMatches("", id, direction, i, rule.Match, targets, pods, nsLabels, sets).Select(m => $"{subjectMatch} {m}".Trim());
            if (rule.Action == "Deny")
            {
                var log = RuleDropLog(id, direction, i);
                sets[log] = PolicySet.ForDropLog();
                var name = rule.Name.Length > 0 ? $" \"{rule.Name}\"" : "";
                owners.Add(new(policy.Name, direction, counter, targetIps, log) { DeniedBy = $"{policy.Kind} {policy.Name} {direction} rule {i}{name}" });
                foreach (var m in matches) foreach (var r in Drop(m, log, counter)) yield return r;
            }
            else
            {
                var verdict = rule.Action == "Allow" ? "accept" : "return";
                foreach (var m in matches) yield return $"{m} counter name \"{counter}\" {verdict}";
            }
        }
    }

    /// <summary>
    /// Counted drops; TCP/UDP/SCTP ones also noted in a drop-log set for <see cref="DropLog"/>. Each is handed to the
    /// flow log by NFLOG with the counter's name as prefix (<see cref="Flows.FlowRecorder"/> names the policy from it).
    /// </summary>
    static string[] Drop(string match, string log, string counter) =>
    [
        $"{match} meta l4proto {{ tcp, udp, sctp }} update @{log} {{ ip saddr . ip daddr . meta l4proto . th dport }} counter name \"{counter}\" {Flows.FlowRecorder.LogStatement(counter)} drop",
        $"{match} counter name \"{counter}\" {Flows.FlowRecorder.LogStatement(counter)} drop",
    ];

    static string Own(string direction) => direction == "ingress" ? "daddr" : "saddr";

    /// <summary>
    /// The matches (without verdict) of one rule: one per (peer kind x port kind), "" for a rule that matches
    /// everything, none for one that matches nothing. Named ports resolve on the destination: the targets for
    /// ingress, any Pod for egress.
    /// </summary>
    static IEnumerable<string> RuleMatches(string policyNamespace, string id, string direction, int index, PolicyRuleView rule,
        IReadOnlyList<PodView> targets, IReadOnlyList<PodView> pods,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> nsLabels, Dictionary<string, PolicySet> sets)
    {
        var peerField = direction == "ingress" ? "saddr" : "daddr";
        var destinations = direction == "ingress" ? targets : pods;
        var peerMatches = new List<string>();
        if (rule.Peers is null) peerMatches.Add("");
        else
        {
            var selectorPeers = rule.Peers.Where(p => p.Cidr is null).ToList();
            var blockPeers = rule.Peers.Where(p => p.Cidr is not null).ToList();
            if (selectorPeers.Count > 0)
            {
                var name = PeerPods(id, direction, index);
                sets[name] = Plain("ipv4_addr", pods.Where(p => selectorPeers.Any(s => Selects(policyNamespace, s, p, nsLabels))).Select(p => p.Ip));
                peerMatches.Add($"ip {peerField} @{name}");
            }
            if (blockPeers.Count > 0)
            {
                var name = PeerBlocks(id, direction, index);
                var ranges = Merge(blockPeers.SelectMany(b => IpBlockRanges.Compute(b.Cidr!, b.Except)));
                sets[name] = new("ipv4_addr", true, ranges.Select(IpBlockRanges.Element).ToHashSet(StringComparer.Ordinal));
                peerMatches.Add($"ip {peerField} @{name}");
            }
        }

        var portMatches = new List<string>();
        if (rule.Ports.Count == 0) portMatches.Add("");
        else
        {
            var numeric = rule.Ports.Where(p => p.Name is null).ToList();
            var named = rule.Ports.Where(p => p.Name is not null).ToList();
            if (numeric.Count > 0)
            {
                var name = Ports(id, direction, index);
                var elements = numeric.GroupBy(p => Proto(p.Protocol)).SelectMany(g =>
                    Merge(g.Select(p => p.Number is { } n ? ((uint)n, (uint)(p.EndPort ?? n)) : (0u, 65535u)))
                        .Select(r => $"{g.Key} . {(r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}")}"));
                sets[name] = new("inet_proto . inet_service", true, elements.ToHashSet(StringComparer.Ordinal));
                portMatches.Add($"meta l4proto . th dport @{name}");
            }
            if (named.Count > 0)
            {
                var name = NamedPorts(id, direction, index);
                var elements = destinations.SelectMany(pod => named.SelectMany(port => pod.NamedPorts
                    .Where(np => np.Name == port.Name && (port.Protocol == PortView.AnyProtocol || np.Protocol == port.Protocol))
                    .Select(np => $"{pod.Ip} . {Proto(np.Protocol)} . {np.Port}")));
                sets[name] = Plain("ipv4_addr . inet_proto . inet_service", elements);
                portMatches.Add($"ip daddr . meta l4proto . th dport @{name}");
            }
        }
        return from peer in peerMatches
               from port in portMatches
               select $"{peer} {port}".Trim();
    }

    static bool Selects(string policyNamespace, PeerView peer, PodView pod, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> nsLabels) =>
        PolicyPeers.Selects(policyNamespace, peer, pod, nsLabels);

    static bool Matches(JsonObject selector, IReadOnlyDictionary<string, string> labels) => PolicyPeers.Matches(selector, labels);

    static string Proto(string protocol) => protocol.ToLowerInvariant();

    static PolicySet Plain(string type, IEnumerable<string> elements) => new(type, false, elements.ToHashSet(StringComparer.Ordinal));

    /// <summary>Overlapping or adjacent ranges joined: an interval set refuses overlapping elements.</summary>
    static List<(uint First, uint Last)> Merge(IEnumerable<(uint First, uint Last)> ranges)
    {
        var merged = new List<(uint First, uint Last)>();
        foreach (var r in ranges.OrderBy(r => r.First))
        {
            if (merged.Count > 0 && (ulong)r.First <= (ulong)merged[^1].Last + 1)
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, r.Last));
            else merged.Add(r);
        }
        return merged;
    }
}
