using System.Net;
using Podway.Node.Network;
using Podway.Node.Sandbox;
using Podway.Node.Tests.Network;
using static Podway.Node.Tests.Sandbox.SandboxTestSupport;

namespace Podway.Node.Tests.Sandbox;

[Collection(KernelCollection.Name)]
public sealed class PodSandboxesTests
{
    static readonly CancellationToken Ct = CancellationToken.None;

    static bool InRange(IPAddress ip, string cidr) => IPNetwork.Parse(cidr).Contains(ip);

    /// <summary>The host ends of Pod veths inside the node (the node's own eth0 is a veth too).</summary>
    static string[] NodeVeths(NodeIdentity node) =>
        TestCluster.Run("ip", "-n", node.NodeNetns, "-o", "link", "show", "type", "veth").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim().Split('@')[0])
            .Where(l => l != "eth0").ToArray();

    static string[] IpamReservations(NodeIdentity node)
    {
        var dir = Path.Combine(node.StateDir, "cni", "ipam", CniConflist.NetworkName);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Where(f => IPAddress.TryParse(f, out _)).ToArray() : [];
    }

    [Fact]
    public async Task CreateAsync_TwoPods_GetDistinctIpsFromTheNodeRangeAndReachEachOtherAndTheNode()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);

        var a = await sandboxes.CreateAsync(Spec("a"), Ct);
        var b = await sandboxes.CreateAsync(Spec("b"), Ct);

        Assert.NotEqual(a.PodIp, b.PodIp);
        Assert.True(InRange(a.PodIp, node.PodCidr), $"{a.PodIp} not in {node.PodCidr}");
        Assert.True(InRange(b.PodIp, node.PodCidr), $"{b.PodIp} not in {node.PodCidr}");
        Assert.Equal(0, RunIn(sandboxes, a, "ping", "-c1", "-W2", b.PodIp.ToString()).ExitCode);
        Assert.Equal(0, RunIn(sandboxes, b, "ping", "-c1", "-W2", a.PodIp.ToString()).ExitCode);
        Assert.Equal(0, RunIn(sandboxes, a, "ping", "-c1", "-W2", node.NodeIp.ToString()).ExitCode);
        // The host reaches Pods through the node (host route via the node IP), as a laptop reaches a cluster.
        Assert.Equal(0, TestCluster.Run("ping", "-c1", "-W2", a.PodIp.ToString()).ExitCode);
    }

    [Fact]
    public async Task CreateAsync_EightPodsAtOnceOnAFreshNode_AllGetDistinctIpsAndRemoveCleanly()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);

        var pods = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => sandboxes.CreateAsync(Spec($"p{i}"), Ct)));

        Assert.Equal(8, pods.Select(p => p.PodIp).Distinct().Count());
        Assert.Equal(8, sandboxes.List().Count);
        await Task.WhenAll(pods.Select(p => sandboxes.RemoveAsync(p.PodUid, Ct)));
        Assert.Empty(IpamReservations(node));
        Assert.Empty(NodeVeths(node));
        Assert.DoesNotContain(TestCluster.Namespaces(), n => n.StartsWith(node.PodNetnsPrefix));
    }

    [Fact]
    public async Task CreateAsync_PodsOnTwoNodes_ReachEachOtherAcrossNodes()
    {
        using var c = TestCluster.Create(nodes: 2);
        var (n0, n1) = (c.Nodes[0], c.Nodes[1]);
        NodeNetwork.AddPeerRoute(n0, n1.PodCidr, n1.NodeIp);
        NodeNetwork.AddPeerRoute(n1, n0.PodCidr, n0.NodeIp);
        var (s0, s1) = (new PodSandboxes(n0), new PodSandboxes(n1));

        var a = await s0.CreateAsync(Spec("a"), Ct);
        var b = await s1.CreateAsync(Spec("b"), Ct);

        Assert.True(InRange(b.PodIp, n1.PodCidr));
        Assert.Equal(0, RunIn(s0, a, "ping", "-c1", "-W2", b.PodIp.ToString()).ExitCode);
    }

    [Fact]
    public async Task CreateAsync_Pod_HasItsHostnameHostsAndResolvConf()
    {
        using var c = TestCluster.Create();
        var sandboxes = new PodSandboxes(c.Nodes[0]);
        const string resolv = "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n";
        var spec = Spec("web-0", subdomain: "web", resolvConf: resolv,
            aliases: [("10.1.2.3", ["foo.local", "bar.local"])]);

        var pod = await sandboxes.CreateAsync(spec, Ct);

        Assert.Equal("web-0", RunIn(sandboxes, pod, "hostname").Stdout.Trim());
        Assert.Equal("web-0\n", RunIn(sandboxes, pod, "cat", "/etc/hostname").Stdout);
        Assert.Equal(resolv, RunIn(sandboxes, pod, "cat", "/etc/resolv.conf").Stdout);
        Assert.Equal(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n" +
            $"{pod.PodIp}\tweb-0.web.default.svc.cluster.local\tweb-0\n" +
            "\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\n10.1.2.3\tbar.local\n",
            RunIn(sandboxes, pod, "cat", "/etc/hosts").Stdout);
        // The host keeps its own name and files.
        Assert.NotEqual("web-0", TestCluster.Run("hostname").Stdout.Trim());
        Assert.DoesNotContain("web-0", File.ReadAllText("/etc/hosts"));
        Assert.DoesNotContain(pod.PodUid, File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public async Task Enter_TwoProcessesOfOnePod_ShareLocalhost()
    {
        using var c = TestCluster.Create();
        var sandboxes = new PodSandboxes(c.Nodes[0]);
        var pod = await sandboxes.CreateAsync(Spec("shared"), Ct);
        var other = await sandboxes.CreateAsync(Spec("other"), Ct);

        var listener = Listen(sandboxes, pod, 8081, "hello-from-sidecar");
        try
        {
            Assert.Equal("hello-from-sidecar", Connect(args => RunIn(sandboxes, pod, args[0], args[1..]), "127.0.0.1", 8081));
            // Another Pod's localhost is its own.
            Assert.NotEqual(0, RunIn(sandboxes, other, "nc", "-z", "-w", "1", "127.0.0.1", "8081").ExitCode);
        }
        finally { Stop(listener); }
    }

    [Fact]
    public async Task Enter_WorkingDirAndEnvironment_AreOnlyWhatTheCallerGives()
    {
        using var c = TestCluster.Create();
        var sandboxes = new PodSandboxes(c.Nodes[0]);
        var pod = await sandboxes.CreateAsync(Spec("env"), Ct);

        var psi = sandboxes.Enter(pod, "/bin/sh", ["-c", "pwd; env | sort"], "/tmp");
        psi.Environment["GREETING"] = "hi";
        var r = TestCluster.Run(psi);

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/tmp", lines[0]);
        Assert.Contains("GREETING=hi", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("HOME=") || l.StartsWith("DOTNET_"));
    }

    [Fact]
    public async Task CreateAsync_HostPort_IsReachableOnTheNodeIp()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var pod = await sandboxes.CreateAsync(Spec("hp", hostPorts: [new HostPortMapping(18080, 8080, "TCP", null)]), Ct);

        var listener = Listen(sandboxes, pod, 8080, "hello-via-hostport");
        try
        {
            Assert.Equal("hello-via-hostport", Connect(args => TestCluster.Run(args[0], args[1..]), node.NodeIp.ToString(), 18080));
        }
        finally { Stop(listener); }

        await sandboxes.RemoveAsync(pod.PodUid, Ct);
        Assert.DoesNotContain("18080", TestCluster.Run("ip", "netns", "exec", node.NodeNetns, "nft", "list", "ruleset").Stdout);
    }

    [Fact]
    public async Task RemoveAsync_Pod_LeavesNoNamespaceVethHolderOrIpReservation()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var keep = await sandboxes.CreateAsync(Spec("keep"), Ct);
        var vethsBefore = NodeVeths(node);
        var pod = await sandboxes.CreateAsync(Spec("gone"), Ct);
        Assert.Equal(vethsBefore.Length + 1, NodeVeths(node).Length);
        Assert.Contains(pod.PodIp.ToString(), IpamReservations(node));

        await sandboxes.RemoveAsync(pod.PodUid, Ct);
        await sandboxes.RemoveAsync(pod.PodUid, Ct);

        Assert.DoesNotContain(pod.NetnsName, TestCluster.Namespaces());
        Assert.Equal(vethsBefore, NodeVeths(node));
        Assert.Equal([keep.PodIp.ToString()], IpamReservations(node));
        Assert.False(Directory.Exists($"/proc/{pod.HolderPid}") && File.ReadAllText($"/proc/{pod.HolderPid}/cmdline").Contains("sleep"));
        Assert.Equal([keep.PodUid], sandboxes.List().Select(s => s.PodUid));
    }

    [Fact]
    public async Task CreateAsync_SameUidTwice_ReturnsTheSameSandbox()
    {
        using var c = TestCluster.Create();
        var sandboxes = new PodSandboxes(c.Nodes[0]);
        var spec = Spec("twice");

        var first = await sandboxes.CreateAsync(spec, Ct);
        var second = await sandboxes.CreateAsync(spec, Ct);

        Assert.Equal(first, second);
        Assert.Single(IpamReservations(c.Nodes[0]));
    }

    [Fact]
    public async Task List_AfterAgentRestart_AdoptsLiveSandboxesWhichStillWork()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var before = new PodSandboxes(node);
        var a = await before.CreateAsync(Spec("a"), Ct);
        var b = await before.CreateAsync(Spec("b"), Ct);

        var after = new PodSandboxes(node); // a new agent process sees only the state on disk and the kernel

        Assert.Equal(new[] { a, b }.OrderBy(s => s.PodUid), after.List().OrderBy(s => s.PodUid));
        Assert.Equal("a", RunIn(after, a, "hostname").Stdout.Trim());
        await after.RemoveAsync(a.PodUid, Ct);
        Assert.Equal([b.PodUid], after.List().Select(s => s.PodUid));
    }

    [Fact]
    public async Task CreateAsync_AfterHolderWasKilled_ListDropsItAndCreateRebuildsIt()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var spec = Spec("crashy");
        var pod = await sandboxes.CreateAsync(spec, Ct);

        TestCluster.Run("kill", "-9", pod.HolderPid.ToString());
        await Task.Delay(200);

        Assert.Empty(sandboxes.List());
        Assert.Equal([pod.PodUid], new PodSandboxes(node).KnownPodUids());
        var rebuilt = await sandboxes.CreateAsync(spec, Ct);
        Assert.NotEqual(pod.HolderPid, rebuilt.HolderPid);
        Assert.Equal("crashy", RunIn(sandboxes, rebuilt, "hostname").Stdout.Trim());
        Assert.Single(IpamReservations(node));
    }

    [Fact]
    public async Task RemoveAsync_HalfCreatedSandboxWithoutState_ReleasesItsAddressAndNamespace()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var pod = await sandboxes.CreateAsync(Spec("half"), Ct);
        // A crash that lost the state file: only the uid is known (from the API), the kernel and IPAM still hold it.
        File.Delete(Path.Combine(node.StateDir, "sandboxes", pod.PodUid + ".json"));

        await new PodSandboxes(node).RemoveAsync(pod.PodUid, Ct);

        Assert.DoesNotContain(pod.NetnsName, TestCluster.Namespaces());
        Assert.Empty(IpamReservations(node));
        Assert.Empty(NodeVeths(node));
    }

    [Fact]
    public async Task RemoveAsync_AfterTheNodeWasTornDown_SucceedsAndForgetsThePod()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var pod = await sandboxes.CreateAsync(Spec("late"), Ct);
        TestCluster.Run("ip", "netns", "delete", node.NodeNetns);

        await sandboxes.RemoveAsync(pod.PodUid, Ct);

        Assert.Empty(sandboxes.KnownPodUids());
        Assert.DoesNotContain(pod.NetnsName, TestCluster.Namespaces());
    }

    [Fact]
    public async Task TearDown_AfterCrashWithRunningPods_LeavesNothingBehind()
    {
        var routesBefore = TestCluster.Run("ip", "-4", "route").Stdout;
        using var c = TestCluster.Create(nodes: 2);
        var sandboxes = new PodSandboxes(c.Nodes[0]);
        var pod = await sandboxes.CreateAsync(Spec("orphan", hostPorts: [new HostPortMapping(18081, 80, "TCP", null)]), Ct);
        var listener = Listen(sandboxes, pod, 80, "still-here");

        // The agent "crashed": nobody removes the Pod; podway down tears the nodes and host down by name.
        foreach (var node in c.Nodes) NodeNetwork.TearDownNode(node);
        NodeNetwork.TearDownHost(c.Name);
        listener.WaitForExit(5000);

        Assert.True(listener.HasExited);
        Assert.False(File.Exists($"/proc/{pod.HolderPid}/stat") && File.ReadAllText($"/proc/{pod.HolderPid}/cmdline").Contains("sleep"));
        Assert.Empty(c.KernelObjects());
        Assert.Equal(routesBefore, TestCluster.Run("ip", "-4", "route").Stdout);
        listener.Dispose();
    }
}
