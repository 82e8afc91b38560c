using Podway.HostSystem;
using Podway.Node;
using Podway.Node.Network;

namespace Podway.Nodes;

/// <summary>
/// One cluster's whole network on the host: the bridge with its routes, and each node's namespace wired to it.
/// Builds it (idempotently, so the same call repairs a part that vanished), says what is missing with file reads
/// only (cheap enough to poll), and tears it down. Used by the control plane, its watchdog, and `podway up`/`status`.
/// </summary>
internal sealed class ClusterNetwork(string clusterName, string nodeCidr, string podCidr, string serviceCidr, IReadOnlyList<NodeIdentity> nodes)
{
    public IReadOnlyList<NodeIdentity> Nodes => nodes;
    string Bridge => nodes[0].HostBridge;

    public static ClusterNetwork For(string clusterName, string dataDir, string nodeCidr, string podCidr, string serviceCidr, int nodeCount) =>
        new(clusterName, nodeCidr, podCidr, serviceCidr,
            [.. Enumerable.Range(0, nodeCount).Select(i => NodeLayout.For(clusterName, dataDir, nodeCidr, podCidr, serviceCidr, i))]);

    public void SetUp()
    {
        var first = nodes[0];
        NodeNetwork.SetUpHost(clusterName, first.HostBridge, first.HostIp, first.NodeNetworkPrefix, nodeCidr, podCidr, serviceCidr);
        foreach (var node in nodes) NodeNetwork.SetUpNode(node);
        foreach (var node in nodes)
            foreach (var peer in nodes.Where(p => p != node))
                NodeNetwork.AddPeerRoute(node, peer.PodCidr, peer.NodeIp);
        // LoadBalancer IPs are answered by the nodes' service proxies; the route goes with the bridge on teardown.
        NodeNetwork.RouteToNodes(first.HostBridge, NodeLayout.LoadBalancerPool(nodeCidr), [.. nodes.Select(n => n.NodeIp)]);
    }

    /// <summary>
    /// Rebuilds what is missing. A node whose namespace was lost is rewired: the host end of its old veth (still
    /// attached to the lost namespace while anything runs there) is removed first, so a fresh pair reaches the new one.
    /// </summary>
    public void Repair(IEnumerable<NodeIdentity> rewire)
    {
        foreach (var node in rewire)
            if (LinkExists(node.HostVeth) && !VethReachesNamedNetns(node))
                HostCommand.Run("ip", ["link", "delete", node.HostVeth]);
        SetUp();
    }

    /// <summary>What is missing, as a user would name it ("node namespace podway-x-n0"); empty when whole.</summary>
    public IReadOnlyList<NetworkDamage> Damage()
    {
        var damage = new List<NetworkDamage>();
        if (!LinkExists(Bridge)) damage.Add(new(null, $"bridge {Bridge}"));
        foreach (var node in nodes)
        {
            if (!Netns.Exists(node.NodeNetns)) damage.Add(new(node, $"node namespace {node.NodeNetns}"));
            else if (!LinkExists(node.HostVeth)) damage.Add(new(node, $"link {node.HostVeth}"));
            else if (MasterOf(node.HostVeth) != Bridge) damage.Add(new(node, $"link {node.HostVeth} on bridge {Bridge}"));
        }
        return damage;
    }

    public void TearDown()
    {
        foreach (var node in nodes) NodeNetwork.TearDownNode(node);
        NodeNetwork.TearDownHost(clusterName);
    }

    static bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    static string? MasterOf(string link)
    {
        try { return new DirectoryInfo($"/sys/class/net/{link}/master").LinkTarget is { } t ? Path.GetFileName(t) : null; }
        catch (IOException) { return null; }
    }

    /// <summary>True when the veth's peer is eth0 in the namespace now named NodeNetns (its peer link index lives there).</summary>
    static bool VethReachesNamedNetns(NodeIdentity node)
    {
        var r = HostCommand.Run("ip", ["-n", node.NodeNetns, "link", "show", "dev", "eth0"]);
        return r.Ok;
    }
}

/// <summary>A missing part of the cluster network; Node is set when it belongs to one node (its agent must move).</summary>
internal sealed record NetworkDamage(NodeIdentity? Node, string What);
