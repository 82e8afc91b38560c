using System.Net;
using System.Text.Json;

namespace Podway.Node.Network;

/// <summary>
/// The cluster's network on the host and its nodes: a per-cluster host bridge, one network namespace per node
/// attached to it by a veth, and host routes that keep every cluster address on the machine. All calls are
/// idempotent and every teardown works from names alone, so it also cleans up after a crash.
/// </summary>
public static class NodeNetwork
{
    public const string CniPluginDir = "/usr/lib/cni";

    /// <summary>
    /// Creates the host bridge with the host address and routes the node network, the cluster Pod range and the
    /// Service range to it, so a packet for a cluster address that no rule claims dies here instead of leaving
    /// through the uplink. The host's own ip_forward is left as it is: host-to-Pod traffic is forwarded by the node.
    /// </summary>
    /// <exception cref="IOException">when a command fails, or a range is already routed elsewhere (another cluster or network).</exception>
    public static void SetUpHost(string clusterName, string hostBridge, IPAddress hostIp, int prefix,
        string nodeNetworkCidr, string clusterPodCidr, string serviceCidr)
    {
        if (!ClusterNames.Owns(hostBridge, clusterName))
            throw new ArgumentException($"host bridge {hostBridge} does not carry the cluster name {clusterName}", nameof(hostBridge));
        if (!LinkExists(hostBridge))
            Ip($"create bridge {hostBridge}", "link", "add", hostBridge, "type", "bridge");
        Ip($"address {hostIp}/{prefix} on {hostBridge}", "addr", "replace", $"{hostIp}/{prefix}", "dev", hostBridge);
        Ip($"bring {hostBridge} up", "link", "set", hostBridge, "up");

        var connected = Cidr.Normalize($"{hostIp}/{prefix}");
        if (Cidr.Normalize(nodeNetworkCidr) != connected) RouteToBridge(hostBridge, nodeNetworkCidr);
        RouteToBridge(hostBridge, clusterPodCidr);
        // Every cluster uses Kubernetes' Service range (10.96.0.0/12, so the seeds' 10.96.0.10 holds). When another
        // podway cluster's bridge already holds that route it keeps packets on this machine just as well.
        if (!HeldByAnotherCluster(hostBridge, serviceCidr)) RouteToBridge(hostBridge, serviceCidr);
    }

    /// <summary>True when an exact route for the range goes through another podway cluster's bridge (pw...).</summary>
    static bool HeldByAnotherCluster(string hostBridge, string cidr)
    {
        var range = Cidr.Normalize(cidr);
        var existing = HostProcess.Run("ip", "-j", "route", "show", "exact", range).Check($"ip route show {range}");
        using var document = JsonDocument.Parse(existing.Stdout.Trim() is { Length: > 0 } s ? s : "[]");
        var routes = document.RootElement;
        return routes.EnumerateArray().Any(r => r.TryGetProperty("dev", out var d) && d.GetString() is { } dev
            && dev.StartsWith("pw", StringComparison.Ordinal) && dev != hostBridge);
    }

    /// <summary>Routes a cluster range (e.g. the Service range) from the host to the cluster's bridge.</summary>
    /// <exception cref="IOException">when the range is already routed through another device.</exception>
    public static void RouteToBridge(string hostBridge, string cidr)
    {
        var range = Cidr.Normalize(cidr);
        if (RoutedVia(hostBridge, range)) return;
        Ip($"route {range} to {hostBridge}", "route", "add", range, "dev", hostBridge);
    }

    /// <summary>
    /// Routes a cluster range (the LoadBalancer pool) from the host to the nodes on the cluster's bridge: via the one
    /// node, or as ECMP next hops over several, so each node's service proxy answers for the addresses in it.
    /// Replaces an earlier route of this cluster (the node set may have changed); it goes with the bridge.
    /// </summary>
    /// <exception cref="IOException">when the range is already routed through another device.</exception>
    public static void RouteToNodes(string hostBridge, string cidr, IReadOnlyList<IPAddress> nodeIps)
    {
        if (nodeIps.Count == 0) throw new ArgumentException("at least one node is needed", nameof(nodeIps));
        var range = Cidr.Normalize(cidr);
        RoutedVia(hostBridge, range);
        var args = new List<string> { "route", "replace", range };
        if (nodeIps.Count == 1) args.AddRange(["via", nodeIps[0].ToString(), "dev", hostBridge]);
        else foreach (var ip in nodeIps) args.AddRange(["nexthop", "via", ip.ToString(), "dev", hostBridge]);
        Ip($"route {range} via {string.Join(", ", nodeIps)}", [.. args]);
    }

    /// <summary>True when the range is routed to the bridge already (directly or through next hops on it), false when unrouted.</summary>
    /// <exception cref="IOException">when it is routed through another device.</exception>
    static bool RoutedVia(string hostBridge, string range)
    {
        var existing = HostProcess.Run("ip", "-j", "route", "show", "exact", range).Check($"ip route show {range}");
        using var document = JsonDocument.Parse(existing.Stdout.Trim() is { Length: > 0 } s ? s : "[]");
        var routes = document.RootElement;
        foreach (var route in routes.EnumerateArray())
        {
            var devices = route.TryGetProperty("dev", out var d) ? new List<string?> { d.GetString() }
                : route.TryGetProperty("nexthops", out var hops) ? hops.EnumerateArray().Select(h => h.TryGetProperty("dev", out var hd) ? hd.GetString() : null).ToList()
                : new List<string?> { null };
            if (devices.All(dev => dev == hostBridge)) return true;
            throw new IOException($"{range} is already routed via {string.Join(",", devices.Select(dev => dev ?? route.ToString()))}; choose another range for this cluster");
        }
        return false;
    }

    /// <summary>Removes the host bridge and every host-side link of the cluster; their routes go with them.</summary>
    public static void TearDownHost(string clusterName)
    {
        // Node veths first: deleting the bridge alone would leave them behind, unattached.
        foreach (var link in HostLinks().Where(l => ClusterNames.Owns(l, clusterName)).OrderByDescending(l => l.Length))
            if (LinkExists(link)) Ip($"delete {link}", "link", "delete", link);
        foreach (var ns in Netns.List().Where(n => ClusterNames.Owns(n, clusterName)))
            Netns.Delete(ns);
    }

    /// <summary>
    /// Creates the node's network namespace wired to the host bridge: eth0 with the node IP, lo, a default route
    /// via the host, forwarding on (the node routes for its Pods), a host route for the node's Pod /24 via the
    /// node IP, and the CNI conflist in the node's state dir.
    /// </summary>
    public static void SetUpNode(NodeIdentity node)
    {
        Netns.Ensure(node.NodeNetns);
        if (!LinkExists(node.HostVeth))
        {
            // Create the peer directly inside the namespace: the host has its own eth0.
            Ip($"create veth {node.HostVeth}", "link", "add", node.HostVeth, "type", "veth", "peer", "name", "eth0", "netns", node.NodeNetns);
        }
        Ip($"attach {node.HostVeth} to {node.HostBridge}", "link", "set", node.HostVeth, "master", node.HostBridge, "up");
        var ns = node.NodeNetns;
        Ip($"node address {node.NodeIp}", "-n", ns, "addr", "replace", $"{node.NodeIp}/{node.NodeNetworkPrefix}", "dev", "eth0");
        Ip("node eth0 up", "-n", ns, "link", "set", "eth0", "up");
        Ip("node lo up", "-n", ns, "link", "set", "lo", "up");
        Ip("node default route", "-n", ns, "route", "replace", "default", "via", node.HostIp.ToString(), "dev", "eth0");
        HostProcess.Run("ip", "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward").Check($"ip_forward in {ns}");
        Ip($"host route {node.PodCidr}", "route", "replace", Cidr.Normalize(node.PodCidr), "via", node.NodeIp.ToString(), "dev", node.HostBridge);

        var conflist = CniConflist.PathFor(node);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(conflist)!);
        Directory.CreateDirectory(CniConflist.IpamDataDir(node));
        File.WriteAllText(conflist, CniConflist.For(node).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Routes another node's Pod range via that node's IP, inside this node.</summary>
    public static void AddPeerRoute(NodeIdentity node, string peerPodCidr, IPAddress peerNodeIp) =>
        Ip($"route {peerPodCidr} via {peerNodeIp}", "-n", node.NodeNetns, "route", "replace", Cidr.Normalize(peerPodCidr),
            "via", peerNodeIp.ToString(), "dev", "eth0");

    public static void RemovePeerRoute(NodeIdentity node, string peerPodCidr)
    {
        var r = HostProcess.Run("ip", "-n", node.NodeNetns, "route", "del", Cidr.Normalize(peerPodCidr));
        if (!r.Ok && !r.Stderr.Contains("No such process") && Netns.Exists(node.NodeNetns)) r.Check($"remove route {peerPodCidr}");
    }

    /// <summary>
    /// Removes the node: every Pod namespace of it (killing what runs there), the processes left in the node
    /// namespace, the host route, the veth, the namespace, and the CNI and sandbox state. Missing parts are fine.
    /// </summary>
    public static void TearDownNode(NodeIdentity node)
    {
        var podNamespaces = Netns.List().Where(n => n.StartsWith(node.PodNetnsPrefix, StringComparison.Ordinal)).ToList();
        Netns.KillAllIn([node.NodeNetns], podNamespaces);
        foreach (var ns in podNamespaces)
            Netns.Delete(ns);
        var route = HostProcess.Run("ip", "route", "del", Cidr.Normalize(node.PodCidr), "via", node.NodeIp.ToString());
        if (!route.Ok && !route.Stderr.Contains("No such process") && LinkExists(node.HostBridge)) route.Check($"remove host route {node.PodCidr}");
        if (LinkExists(node.HostVeth)) Ip($"delete {node.HostVeth}", "link", "delete", node.HostVeth);
        Netns.Delete(node.NodeNetns);
        foreach (var dir in new[] { "cni", "sandboxes", "pods" }.Select(d => System.IO.Path.Combine(node.StateDir, d)))
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    internal static bool LinkExists(string name) => HostProcess.Run("ip", "link", "show", "dev", name).Ok;

    static IEnumerable<string> HostLinks() =>
        HostProcess.Run("ip", "-o", "link").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':')[1].Trim().Split('@')[0]).ToList();

    static void Ip(string what, params string[] args) => HostProcess.Run("ip", args).Check(what);
}
