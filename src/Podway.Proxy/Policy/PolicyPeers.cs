using System.Text.Json.Nodes;
using Podway.Api.Validation;

namespace Podway.Proxy.Policy;

/// <summary>
/// Which Pods a policy's selectors pick: shared by the compiler (the kernel's sets) and `podway trace` (which
/// explains one connection), so the explanation and the enforcement never disagree.
/// </summary>
public static class PolicyPeers
{
    /// <summary>Whether a peer's selectors pick the Pod: podSelector alone means the policy's namespace; with a
    /// namespaceSelector both must match (one peer is an AND); a namespaceSelector alone means every Pod there.</summary>
    public static bool Selects(string policyNamespace, PeerView peer, PodView pod, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> nsLabels)
    {
        if (peer.NamespaceSelector is null)
            return pod.Namespace == policyNamespace && peer.PodSelector is not null && Matches(peer.PodSelector, pod.Labels);
        var labels = nsLabels.GetValueOrDefault(pod.Namespace) ?? new Dictionary<string, string>();
        return Matches(peer.NamespaceSelector, labels) && (peer.PodSelector is null || Matches(peer.PodSelector, pod.Labels));
    }

    /// <summary>A policy's podSelector (or a peer's) against labels: an empty selector matches everything.</summary>
    public static bool Matches(JsonObject selector, IReadOnlyDictionary<string, string> labels) =>
        LabelSelectorRules.Matches(selector, [.. labels]) == true;
}
