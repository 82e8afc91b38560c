using Podway.Node.Network;
using Podway.Node.Sandbox;
using Podway.Node.Tests.Network;
using static Podway.Node.Tests.Sandbox.SandboxTestSupport;

namespace Podway.Node.Tests.Sandbox;

/// <summary>
/// What the agent's sandbox check sees when a sandbox loses its network under a running Pod, and that removing and
/// creating it again (what the pod worker then does) gives a Pod that works.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class SandboxDamageTests
{
    static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Damage_WholeSandbox_IsNull()
    {
        using var c = TestCluster.Create();
        var sandboxes = new PodSandboxes(c.Nodes[0]);
        var pod = await sandboxes.CreateAsync(Spec("whole"), Ct);

        Assert.Null(sandboxes.Damage(pod));
    }

    [Fact]
    public async Task Damage_PodNamespaceDeletedByHand_SaysItIsGoneAndANewSandboxWorks()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var spec = Spec("lost");
        var pod = await sandboxes.CreateAsync(spec, Ct);

        Assert.Equal(0, TestCluster.Run("ip", "netns", "delete", pod.NetnsName).ExitCode);

        Assert.Equal($"its network namespace {pod.NetnsName} is gone", sandboxes.Damage(pod));
        await sandboxes.RemoveAsync(pod.PodUid, Ct);
        var rebuilt = await sandboxes.CreateAsync(spec, Ct);
        Assert.Null(sandboxes.Damage(rebuilt));
        Assert.Equal(0, RunIn(sandboxes, rebuilt, "ping", "-c1", "-W2", node.NodeIp.ToString()).ExitCode);
    }

    [Fact]
    public async Task Damage_PodInterfaceGoneWithTheNodeSide_SaysEth0IsGone()
    {
        // When the node namespace is lost, the node ends of the Pods' veths go with it, and so do the Pods' eth0s.
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var sandboxes = new PodSandboxes(node);
        var pod = await sandboxes.CreateAsync(Spec("cut"), Ct);
        var peer = TestCluster.Run("ip", "-n", node.NodeNetns, "-o", "link", "show", "type", "veth").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim().Split('@')[0]).Single(l => l != "eth0");

        Assert.Equal(0, TestCluster.Run("ip", "-n", node.NodeNetns, "link", "delete", peer).ExitCode);

        Assert.Equal("its interface eth0 is gone (the node network was rebuilt)", sandboxes.Damage(pod));
    }
}
