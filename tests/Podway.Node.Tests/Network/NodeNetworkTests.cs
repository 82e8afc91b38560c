using System.Net;
using System.Text.Json.Nodes;
using Podway.Node.Network;

namespace Podway.Node.Tests.Network;

[Collection(KernelCollection.Name)]
public sealed class NodeNetworkTests
{
    static string HostRoutes() => TestCluster.Run("ip", "-4", "route").Stdout;
    static string NodeRoutes(NodeIdentity node) => TestCluster.Run("ip", "-n", node.NodeNetns, "-4", "route").Stdout;

    [Fact]
    public void SetUpNode_FreshCluster_NodeAnswersOnItsIpAndClusterRangesRouteToTheBridge()
    {
        using var c = TestCluster.Create(nodes: 1);
        var node = c.Nodes[0];

        Assert.Equal(0, TestCluster.Run("ping", "-c1", "-W2", node.NodeIp.ToString()).ExitCode);
        var routes = HostRoutes();
        Assert.Contains($"10.{c.K}.0.0/24 via {node.NodeIp} dev {c.HostBridge}", routes);
        Assert.Contains($"{c.ClusterPodCidr} dev {c.HostBridge}", routes);
        Assert.Contains($"{c.ServiceCidr} dev {c.HostBridge}", routes);
        Assert.Contains($"default via {c.HostIp} dev eth0", NodeRoutes(node));
        Assert.Equal("1", TestCluster.Run("ip", "netns", "exec", node.NodeNetns, "cat", "/proc/sys/net/ipv4/ip_forward").Stdout.Trim());
    }

    [Fact]
    public void SetUpNode_Always_WritesConflistWithBridgeOverTheNodeRangeThenPortmap()
    {
        using var c = TestCluster.Create(nodes: 1);
        var node = c.Nodes[0];

        var conflist = JsonNode.Parse(File.ReadAllText(Path.Combine(node.StateDir, "cni", "10-podway.conflist")))!;
        Assert.Equal("1.0.0", (string?)conflist["cniVersion"]);
        var plugins = conflist["plugins"]!.AsArray();
        Assert.Equal(["bridge", "portmap"], plugins.Select(p => (string?)p!["type"]));
        Assert.Equal(node.PodBridge, (string?)plugins[0]!["bridge"]);
        Assert.Equal(node.PodCidr, (string?)plugins[0]!["ipam"]!["ranges"]![0]![0]!["subnet"]);
        Assert.Equal(Path.Combine(node.StateDir, "cni", "ipam"), (string?)plugins[0]!["ipam"]!["dataDir"]);
        Assert.True((bool?)plugins[1]!["capabilities"]!["portMappings"]);
    }

    [Fact]
    public void SetUp_RunTwice_IsIdempotent()
    {
        using var c = TestCluster.Create(nodes: 1);
        var before = HostRoutes();

        c.SetUpHost();
        NodeNetwork.SetUpNode(c.Nodes[0]);

        Assert.Equal(before, HostRoutes());
        Assert.Equal(0, TestCluster.Run("ping", "-c1", "-W2", c.Nodes[0].NodeIp.ToString()).ExitCode);
    }

    [Fact]
    public void SetUpHost_RangeAlreadyRoutedByAnotherCluster_ThrowsNamingTheRange()
    {
        using var first = TestCluster.Create(nodes: 0);
        using var second = TestCluster.Reserve();

        var e = Assert.Throws<IOException>(() => NodeNetwork.SetUpHost(second.Name, second.HostBridge, second.HostIp, 24,
            second.NodeNetworkCidr, first.ClusterPodCidr, second.ServiceCidr));
        Assert.Contains(first.ClusterPodCidr, e.Message);
        Assert.Contains(first.HostBridge, e.Message);
    }

    [Fact]
    public void SetUpHost_ServiceRangeRoutedByAnotherCluster_IsShared()
    {
        using var first = TestCluster.Create(nodes: 0);
        using var second = TestCluster.Reserve();
        try
        {
            // Every cluster uses the same Service range; the first cluster's route keeps those packets on the host.
            NodeNetwork.SetUpHost(second.Name, second.HostBridge, second.HostIp, 24, second.NodeNetworkCidr, second.ClusterPodCidr, first.ServiceCidr);
            Assert.Contains($"dev {first.HostBridge}", TestCluster.Run("ip", "route", "show", "exact", first.ServiceCidr).Stdout);
        }
        finally { NodeNetwork.TearDownHost(second.Name); }
    }

    [Fact]
    public void AddPeerRoute_TwoNodes_RoutesThePeerPodRangeViaItsNodeIpUntilRemoved()
    {
        using var c = TestCluster.Create(nodes: 2);
        var (a, b) = (c.Nodes[0], c.Nodes[1]);

        NodeNetwork.AddPeerRoute(a, b.PodCidr, b.NodeIp);
        NodeNetwork.AddPeerRoute(a, b.PodCidr, b.NodeIp);
        Assert.Contains($"{b.PodCidr} via {b.NodeIp} dev eth0", NodeRoutes(a));
        Assert.Equal(0, TestCluster.Run("ip", "netns", "exec", a.NodeNetns, "ping", "-c1", "-W2", b.NodeIp.ToString()).ExitCode);

        NodeNetwork.RemovePeerRoute(a, b.PodCidr);
        NodeNetwork.RemovePeerRoute(a, b.PodCidr);
        Assert.DoesNotContain(b.PodCidr, NodeRoutes(a));
    }

    [Fact]
    public void TearDownHost_AfterNodes_LeavesRoutesLinksAndNamespacesAsBefore()
    {
        var routesBefore = HostRoutes();
        using var c = TestCluster.Create(nodes: 2);
        Assert.NotEqual(routesBefore, HostRoutes());

        foreach (var node in c.Nodes) NodeNetwork.TearDownNode(node);
        NodeNetwork.TearDownHost(c.Name);

        Assert.Equal(routesBefore, HostRoutes());
        Assert.Empty(c.KernelObjects());
        Assert.False(Directory.Exists(Path.Combine(c.Nodes[0].StateDir, "cni")));
    }

    [Fact]
    public void TearDownHost_WithoutTearDownNode_RemovesNodeNamespacesAndVeths()
    {
        var routesBefore = HostRoutes();
        using var c = TestCluster.Create(nodes: 2);

        NodeNetwork.TearDownHost(c.Name);

        Assert.Empty(c.KernelObjects());
        Assert.Equal(routesBefore, HostRoutes());
    }

    [Fact]
    public void SetUpHost_BridgeNameOfAnotherCluster_Throws()
    {
        Assert.Throws<ArgumentException>(() => NodeNetwork.SetUpHost("tzzzz", "pwother", IPAddress.Parse("10.250.99.1"), 24,
            "10.250.99.0/24", "10.99.0.0/17", "10.99.128.0/20"));
    }
}
