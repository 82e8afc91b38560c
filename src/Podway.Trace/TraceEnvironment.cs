using System.Net;
using Podway.Client;

namespace Podway.Trace;

/// <summary>
/// What the tracer needs of the running cluster besides its API: where nodes' and Pods' network namespaces and
/// Pods' /etc files are. The `podway trace` command fills it from the cluster's data dir (the node agent's layout).
/// </summary>
public sealed record TraceEnvironment
{
    public required ApiClient Api { get; init; }
    public required string ClusterName { get; init; }
    /// <summary>Node name → its network namespace name (podway-CLUSTER-nI), null when unknown.</summary>
    public required Func<string, string?> NodeNetns { get; init; }
    /// <summary>(node name, Pod uid) → the Pod's resolv.conf as its containers see it.</summary>
    public required Func<string, string, string> PodResolvConf { get; init; }
    /// <summary>The node every LoadBalancer/edge packet from the host enters (the first node).</summary>
    public required string FirstNodeNetns { get; init; }
    /// <summary>The host's address on the cluster bridge: the source policies see for traffic from the host.</summary>
    public required string HostAddress { get; init; }
    public string ClusterDomain { get; init; } = "cluster.local";
    public string HostResolvConf { get; init; } = "/etc/resolv.conf";
    public int ProxyShards { get; init; } = Podway.Proxy.ProxyNodeInfo.DefaultShards;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Pod namespace path: podway-CLUSTER-pod-&lt;first 12 of uid&gt; (the agent's naming).</summary>
    public string PodNetns(string podUid) => $"podway-{ClusterName}-pod-{podUid[..Math.Min(12, podUid.Length)]}";
}
