using System.Net;

namespace Podway.Node;

/// <summary>
/// Who and where one node is. A node is a network namespace on the cluster's host bridge: its agent, its pod
/// bridge, its nftables rules and all its Pods live inside it.
/// </summary>
public sealed record NodeIdentity
{
    public required string ClusterName { get; init; }
    /// <summary>The Node object's name, e.g. "podway-control-plane".</summary>
    public required string NodeName { get; init; }
    /// <summary>Index of the node in the cluster (0 for the first); names and addresses derive from it.</summary>
    public required int Index { get; init; }
    /// <summary>The node's address on the host bridge (its InternalIP), e.g. 10.250.0.10.</summary>
    public required IPAddress NodeIp { get; init; }
    /// <summary>The host bridge address: default gateway of the node and where the API server listens for nodes and Pods.</summary>
    public required IPAddress HostIp { get; init; }
    public required int NodeNetworkPrefix { get; init; }
    /// <summary>This node's Pod range (spec.podCIDR), e.g. 10.244.0.0/24.</summary>
    public required string PodCidr { get; init; }
    /// <summary>The cluster-wide Pod range, e.g. 10.244.0.0/16 (other nodes' /24s are routed via their node IPs).</summary>
    public required string ClusterPodCidr { get; init; }
    public string ServiceCidr { get; init; } = "10.96.0.0/12";
    public IPAddress ClusterDns { get; init; } = IPAddress.Parse("10.96.0.10");
    public string ClusterDomain { get; init; } = "cluster.local";
    /// <summary>Where this node keeps its state (sandboxes, logs, CNI IPAM): &lt;data-dir&gt;/nodes/&lt;node&gt;.</summary>
    public required string StateDir { get; init; }
    /// <summary>The kubelet's streaming/log server port on NodeIp (the API server proxies pods/log, exec, attach, portforward to it).</summary>
    public int KubeletPort { get; init; } = 10250;

    /// <summary>Kernel object names carry the cluster's name (see ClusterKernelObjects): netns podway-&lt;cluster&gt;-&lt;suffix&gt;.</summary>
    public string NodeNetns => $"podway-{ClusterName}-n{Index}";
    /// <summary>Host side of the node's veth (15 characters at most).</summary>
    public string HostVeth => $"pw{ClusterName}-n{Index}";
    public string HostBridge => $"pw{ClusterName}";
    /// <summary>The Pod bridge inside the node namespace.</summary>
    public string PodBridge => $"pw{ClusterName}-br";
    public string PodNetnsPrefix => $"podway-{ClusterName}-pod-";
}
