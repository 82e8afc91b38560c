using Podway.Client;
using Podway.Node;
using Podway.Trace;

namespace Podway.Nodes;

/// <summary>What `podway trace` needs of a cluster's node layout (namespaces, Pods' /etc files), for the command and the server alike.</summary>
internal static class ClusterTraceEnvironment
{
    public static TraceEnvironment For(ApiClient api, string clusterName, string dataDir, IReadOnlyList<NodeIdentity> nodes, string hostAddress)
    {
        var byName = nodes.ToDictionary(n => n.NodeName, StringComparer.Ordinal);
        return new TraceEnvironment
        {
            Api = api,
            ClusterName = clusterName,
            NodeNetns = node => byName.TryGetValue(node, out var n) ? n.NodeNetns : null,
            PodResolvConf = (node, uid) => Path.Combine(byName.TryGetValue(node, out var n) ? n.StateDir : Path.Combine(dataDir, "nodes", node), "pods", uid, "etc", "resolv.conf"),
            FirstNodeNetns = nodes[0].NodeNetns,
            HostAddress = hostAddress,
        };
    }
}
