using Podway.Proxy.Policy;

namespace Podway.Trace;

/// <summary>One end of a connection as policies see it: a Pod (selectable by labels) or only an address.</summary>
public sealed record PolicyPeer(string Ip, PodView? Pod)
{
    public override string ToString() => Pod is null ? Ip : $"{Pod.Namespace}/{Pod.Name} {Ip}";
}

/// <summary>A direction's judgement: allowed (with the policy and rule, or because no policy isolates the Pod) or dropped.</summary>
public sealed record PolicyJudgement(bool Allowed, string Direction, IReadOnlyList<string> Selecting, string? AllowedBy)
{
    public string Describe(PolicyPeer owner) => Selecting.Count == 0
        ? $"{Direction} of {owner}: no policy selects it (open)"
        : Allowed ? $"{Direction} of {owner}: allowed by {AllowedBy}"
        : $"{Direction} of {owner}: DROPPED: selected by {string.Join(", ", Selecting)} and no rule admits it (default deny)";
}

/// <summary>
/// NetworkPolicy semantics for one connection (pure, over the proxy's policy views and peer matching): the sender's
/// egress and the receiver's ingress must both allow it; a Pod no policy selects in a direction is open; among the
/// policies selecting it any rule of any of them admitting the peer and port allows it.
/// </summary>
public static class PolicyEvaluator
{
    public static PolicyJudgement Judge(string direction, IReadOnlyList<PolicyView> policies, PolicyPeer owner, PolicyPeer peer,
        string protocol, int port, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> nsLabels)
    {
        if (owner.Pod is not { } pod) return new(true, direction, [], null);
        var ingress = direction == "ingress";
        var selecting = policies
            .Where(p => p.Namespace == pod.Namespace && (ingress ? p.Ingress : p.Egress) && PolicyPeers.Matches(p.PodSelector, pod.Labels))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        // Named ports resolve on the destination: the owner for ingress, the peer for egress.
        var destination = ingress ? pod : peer.Pod;
        foreach (var policy in selecting)
        {
            var rules = ingress ? policy.IngressRules : policy.EgressRules;
            for (var i = 0; i < rules.Count; i++)
                if (PeerMatches(policy.Namespace, rules[i], peer, nsLabels) && PortMatches(rules[i], protocol, port, destination))
                    return new(true, direction, [.. selecting.Select(p => p.Key)], $"{policy.Key} {direction} rule {i}");
        }
        return new(selecting.Count == 0, direction, [.. selecting.Select(p => p.Key)], null);
    }

    static bool PeerMatches(string policyNamespace, PolicyRuleView rule, PolicyPeer peer, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> nsLabels) =>
        rule.Peers is null || rule.Peers.Any(p => p.Cidr is { } cidr
            ? InBlock(peer.Ip, cidr, p.Except)
            : peer.Pod is { } pod && PolicyPeers.Selects(policyNamespace, p, pod, nsLabels));

    static bool InBlock(string ip, string cidr, IReadOnlyList<string> except)
    {
        if (IpBlockRanges.Parse(ip) is not { } a) return false;
        return IpBlockRanges.Compute(cidr, except).Any(r => a.First >= r.First && a.First <= r.Last);
    }

    static bool PortMatches(PolicyRuleView rule, string protocol, int port, PodView? destination) =>
        rule.Ports.Count == 0 || rule.Ports.Any(p =>
            p.Name is { } name
                ? destination?.NamedPorts.Any(np => np.Name == name && np.Port == port && np.Protocol == protocol && (p.Protocol == PortView.AnyProtocol || p.Protocol == protocol)) == true
                : p.Protocol == protocol && (p.Number is not { } n || port >= n && port <= (p.EndPort ?? n)));
}
