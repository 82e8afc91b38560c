using System.Net;
using Podway.Node;

namespace Podway.Nodes;

/// <summary>
/// Where each node of a cluster lives, derived from the cluster's settings: node i is 10.250.K.(10+i) on the host
/// bridge (the host is .1), owns Pod range 10.244.i.0/24 of the cluster's /16, and keeps its state in
/// &lt;data-dir&gt;/nodes/&lt;node&gt;. Node names follow kind: &lt;cluster&gt;-control-plane, &lt;cluster&gt;-worker, -worker2...
/// </summary>
public static class NodeLayout
{
    public static NodeIdentity For(string clusterName, string dataDir, string nodeCidr, string podCidr, string serviceCidr, int index)
    {
        var (nodeNet, nodePrefix) = ParseCidr(nodeCidr);
        var (podNet, _) = ParseCidr(podCidr);
        var name = index == 0 ? $"{clusterName}-control-plane" : index == 1 ? $"{clusterName}-worker" : $"{clusterName}-worker{index}";
        var podBytes = podNet.GetAddressBytes();
        return new NodeIdentity
        {
            ClusterName = clusterName,
            NodeName = name,
            Index = index,
            NodeIp = Offset(nodeNet, 10 + index),
            HostIp = Offset(nodeNet, 1),
            NodeNetworkPrefix = nodePrefix,
            PodCidr = $"{podBytes[0]}.{podBytes[1]}.{index}.0/24",
            ClusterPodCidr = podCidr,
            ServiceCidr = serviceCidr,
            StateDir = Path.Combine(dataDir, "nodes", name),
        };
    }

    /// <summary>
    /// The cluster's LoadBalancer pool: the upper half of its node network (10.250.K.0/24 -> 10.250.K.128/25), as
    /// kind + MetalLB take LoadBalancer IPs from the nodes' own network. It needs no range of its own (so it can never
    /// collide with another cluster's), and node IPs (.10 upwards) stay in the lower half.
    /// </summary>
    public static string LoadBalancerPool(string nodeCidr)
    {
        var (network, prefix) = ParseCidr(nodeCidr);
        if (network.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || prefix is < 8 or > 28)
            throw new ArgumentException($"node network {nodeCidr} must be an IPv4 range from /8 to /28 to hold a LoadBalancer pool", nameof(nodeCidr));
        var half = 1 << (32 - prefix - 1);
        var b = network.GetAddressBytes();
        var baseValue = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) & (uint.MaxValue << (32 - prefix));
        var start = Offset(new IPAddress([(byte)(baseValue >> 24), (byte)(baseValue >> 16), (byte)(baseValue >> 8), (byte)baseValue]), half);
        return $"{start}/{prefix + 1}";
    }

    static (IPAddress Network, int Prefix) ParseCidr(string cidr)
    {
        var parts = cidr.Split('/');
        return (IPAddress.Parse(parts[0]), int.Parse(parts[1]));
    }

    static IPAddress Offset(IPAddress network, int offset)
    {
        var b = network.GetAddressBytes();
        var value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) + (uint)offset;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
