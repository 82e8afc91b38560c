using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Proxy.Policy;

namespace Podway.Trace;

/// <summary>
/// NetworkPolicy on each hop the packet makes after DNAT (as the node judges it): the sender's egress and the
/// receiver's ingress; through the edge, the client to an edge Pod and the edge Pod to the backend.
/// </summary>
internal static class PolicyLayer
{
    public static async Task<LayerResult> RunAsync(TraceState st, TraceEnvironment env, ClusterObjects objects)
    {
        var policies = (await objects.ListAsync(BuiltinResources.NetworkPolicy)).Select(PolicyView.From).ToList();
        var nsLabels = (await objects.ListAsync(BuiltinResources.Namespace))
            .ToDictionary(n => n.Name(), n => PodView.LabelsOf(n), StringComparer.Ordinal);
        var source = st.SourcePod is { } sp && PodView.From(sp) is { } view ? new PolicyPeer(view.Ip, view) : new PolicyPeer(env.HostAddress, null);
        var protocol = st.Protocol;
        var hops = new List<(PolicyPeer From, PolicyPeer To, int Port)>();
        if (st.ViaEdge)
        {
            var edge = st.EdgePods.Select(PodView.From).OfType<PodView>().FirstOrDefault();
            if (edge is not null)
            {
                hops.Add((source, new PolicyPeer(edge.Ip, edge), st.EdgeTargetPort));
                foreach (var b in st.Backends) hops.Add((new PolicyPeer(edge.Ip, edge), Peer(b), b.Port));
            }
        }
        else foreach (var b in st.Backends) hops.Add((source, Peer(b), b.Port));
        if (hops.Count == 0) return LayerResult.Skip("policy", "no backend to judge a connection to");

        var lines = new List<string>();
        foreach (var (from, to, port) in hops)
        {
            var egress = PolicyEvaluator.Judge("egress", policies, from, to, protocol, port, nsLabels);
            var ingress = PolicyEvaluator.Judge("ingress", policies, to, from, protocol, port, nsLabels);
            foreach (var (j, owner) in new[] { (egress, from), (ingress, to) })
            {
                if (!j.Allowed)
                    return LayerResult.Fail("policy", $"{from} -> {to} {protocol.ToLowerInvariant()}/{port}: {j.Describe(owner)}",
                        j.Direction == "ingress"
                            ? $"add an ingress rule to {j.Selecting[0]} (or a new policy selecting {to.Pod?.Name}) that admits {Who(from, to.Pod?.Namespace ?? "")} on port {port}"
                            : $"add an egress rule to {j.Selecting[0]} (or a new policy selecting {from.Pod?.Name}) that allows {Who(to, from.Pod?.Namespace ?? "")} on port {port}")
                        with { Details = new Dictionary<string, object?> { ["direction"] = j.Direction, ["selecting"] = j.Selecting, ["from"] = from.ToString(), ["to"] = to.ToString() } };
                lines.Add(j.Describe(owner));
            }
        }
        // Admin policies are enforced but not judged here: say so rather than pass in silence.
        var admin = (await objects.ListAsync(BuiltinResources.AdminNetworkPolicy)).Count + (await objects.ListAsync(BuiltinResources.BaselineAdminNetworkPolicy)).Count;
        var unjudged = admin == 0 ? "" : $"; {admin} (Baseline)AdminNetworkPolicies exist and are not judged by trace (their drops show in podway flows --verdict dropped)";
        return LayerResult.Pass("policy", string.Join("; ", lines.Distinct()) + unjudged);
    }

    static PolicyPeer Peer(Backend b) => new(b.Ip, b.Pod is { } p ? PodView.From(p) : null);

    /// <summary>The peer as a policy would name it: its labels (and its namespace's name when it lives elsewhere), or its address.</summary>
    static string Who(PolicyPeer p, string policyNamespace)
    {
        if (p.Pod is null) return $"ipBlock {p.Ip}/32";
        var pods = $"podSelector {{{string.Join(",", p.Pod.Labels.Where(l => l.Key != "pod-template-hash").Select(l => $"{l.Key}={l.Value}"))}}}";
        return p.Pod.Namespace == policyNamespace ? pods : $"namespaceSelector {{kubernetes.io/metadata.name={p.Pod.Namespace}}} with {pods}";
    }
}
