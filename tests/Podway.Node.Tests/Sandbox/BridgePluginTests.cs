using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podway.Node.Network;
using Podway.Node.Network.Netlink;
using Podway.Node.Sandbox;
using Podway.Node.Tests.Network;

namespace Podway.Node.Tests.Sandbox;

/// <summary>
/// The in-process bridge/host-local/loopback plugins against the real ones (containernetworking-plugins) on the same
/// node: the same picture in the kernel, and each side's IPAM reservations released by the other.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed partial class BridgePluginTests
{
    [Fact]
    public void Add_LeavesThePodAndNodeAsTheRealPluginsDo()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var (real, ours) = (node.PodNetnsPrefix + "real", node.PodNetnsPrefix + "ours");
        Netns.Ensure(real);
        Netns.Ensure(ours);

        RealPlugin(node, "loopback", "ADD", "real", real, "lo", CniRuntime.Loopback);
        var realResult = RealPlugin(node, "bridge", "ADD", "real", real, "eth0", BridgeConf(node))!;
        BridgePlugin.LoopbackUp(Netns.PathOf(ours));
        var ourResult = BridgePlugin.Add(BridgeConf(node), "ours", Netns.PathOf(ours), "eth0", () => RouteNetlink.OpenIn(Netns.PathOf(node.NodeNetns)));

        Assert.Equal(Picture(node, real, realResult), Picture(node, ours, ourResult));
        Assert.Equal(Shape(realResult), Shape(ourResult));
        Assert.NotEqual(CniRuntime.PodIp(realResult, "eth0"), CniRuntime.PodIp(ourResult, "eth0"));
        // Both Pods sit on the one bridge: they reach each other.
        Assert.Equal(0, TestCluster.Run("ip", "netns", "exec", ours, "ping", "-c1", "-W2", CniRuntime.PodIp(realResult, "eth0").ToString()).ExitCode);
    }

    [Fact]
    public void Reservations_AreReleasedByEitherImplementation()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var (a, b) = (node.PodNetnsPrefix + "a", node.PodNetnsPrefix + "b");
        Netns.Ensure(a);
        Netns.Ensure(b);

        RealPlugin(node, "bridge", "ADD", "a", a, "eth0", BridgeConf(node));
        BridgePlugin.Add(BridgeConf(node), "b", Netns.PathOf(b), "eth0", () => RouteNetlink.OpenIn(Netns.PathOf(node.NodeNetns)));
        Assert.Equal(2, Reservations(node).Length);
        Assert.Equal(2, HostVeths(node).Length);

        BridgePlugin.Del(BridgeConf(node), "a", Netns.PathOf(a), "eth0");
        RealPlugin(node, "bridge", "DEL", "b", b, "eth0", BridgeConf(node));

        Assert.Empty(Reservations(node));
        Assert.Empty(HostVeths(node));
    }

    [Fact]
    public void Add_WhenTheRangeIsFull_FailsAndLeavesNoVeth()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var ns = node.PodNetnsPrefix + "full";
        Netns.Ensure(ns);
        var conf = BridgeConf(node);
        conf["ipam"]!["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = Regex.Replace(node.PodCidr, "/24$", "/30") }));
        BridgePlugin.Add(conf, "first", Netns.PathOf(ns), "eth0", () => RouteNetlink.OpenIn(Netns.PathOf(node.NodeNetns)));
        Netns.Ensure(ns + "2");

        var e = Assert.ThrowsAny<IOException>(() => BridgePlugin.Add(conf, "second", Netns.PathOf(ns + "2"), "eth0", () => RouteNetlink.OpenIn(Netns.PathOf(node.NodeNetns))));

        Assert.Contains("no IP addresses available", e.Message);
        Assert.Single(HostVeths(node));
    }

    static JsonObject BridgeConf(NodeIdentity node)
    {
        var conflist = CniConflist.For(node);
        var conf = (JsonObject)conflist["plugins"]![0]!.DeepClone();
        conf["cniVersion"] = conflist["cniVersion"]!.DeepClone();
        conf["name"] = conflist["name"]!.DeepClone();
        Assert.True(BridgePlugin.Handles(conf));
        return conf;
    }

    /// <summary>Runs a real plugin binary inside the node's namespace, as the CNI spec has a runtime do.</summary>
    static JsonObject? RealPlugin(NodeIdentity node, string type, string command, string id, string netns, string ifName, JsonObject conf)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "exec", node.NodeNetns, Path.Combine(NodeNetwork.CniPluginDir, type)])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = id;
        psi.Environment["CNI_NETNS"] = Netns.PathOf(netns);
        psi.Environment["CNI_IFNAME"] = ifName;
        psi.Environment["CNI_PATH"] = NodeNetwork.CniPluginDir;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(conf.ToJsonString());
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{type} {command}: {stdout} {stderr}");
        return command == "ADD" ? JsonNode.Parse(stdout) as JsonObject : null;
    }

    /// <summary>What a user would look at, with the Pod's own address and the veth's random name written as X.</summary>
    static string Picture(NodeIdentity node, string netns, JsonObject result)
    {
        var ip = CniRuntime.PodIp(result, "eth0").ToString();
        var veth = result["interfaces"]![1]!["name"]!.GetValue<string>();
        string Run(params string[] args) => Regex.Replace(TestCluster.Run("ip", args).Stdout, Regex.Escape(ip) + @"(?!\d)", "IP").Replace(veth, "VETH");
        var lines = new[]
        {
            Run("-n", netns, "-4", "-o", "addr", "show"),
            Run("-n", netns, "route"),
            Run("-n", netns, "-o", "link", "show", "lo").Contains("UP") ? "lo up" : "lo down",
            Run("-n", netns, "-o", "link", "show", "eth0").Contains("state UP") ? "eth0 up" : "eth0 down",
            TestCluster.Run("ip", "netns", "exec", netns, "cat", "/proc/sys/net/ipv4/conf/eth0/arp_notify").Stdout,
            string.Join(' ', MasterAndHairpin().Matches(Run("-n", node.NodeNetns, "-d", "-o", "link", "show", veth)).Select(m => m.Value)),
        };
        return Regex.Replace(string.Join("\n", lines), @"valid_lft.*|\\", "");
    }

    /// <summary>The result's keys and everything but the addresses and names that differ per Pod.</summary>
    static string Shape(JsonObject result)
    {
        var copy = (JsonObject)result.DeepClone();
        foreach (var i in (JsonArray)copy["interfaces"]!) { i!["mac"] = "M"; i["sandbox"] = i["sandbox"] is null ? null : "S"; }
        copy["interfaces"]![1]!["name"] = "VETH";
        copy["ips"]![0]!["address"] = "A";
        copy.Remove("dns"); // the real plugin leaves out an empty dns
        return copy.ToJsonString();
    }

    static string[] Reservations(NodeIdentity node)
    {
        var dir = Path.Combine(CniConflist.IpamDataDir(node), CniConflist.NetworkName);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => System.Net.IPAddress.TryParse(f, out _)).ToArray()! : [];
    }

    static string[] HostVeths(NodeIdentity node) =>
        TestCluster.Run("ip", "-n", node.NodeNetns, "-o", "link", "show", "type", "veth").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim().Split('@')[0]).Where(l => l != "eth0").ToArray();

    [GeneratedRegex(@"master \S+|hairpin \w+|qlen \d+|mtu \d+")]
    private static partial Regex MasterAndHairpin();
}
