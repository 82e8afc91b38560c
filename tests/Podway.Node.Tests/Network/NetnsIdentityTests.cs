using Podway.Node.Network;

namespace Podway.Node.Tests.Network;

[Collection(KernelCollection.Name)]
public sealed class NetnsIdentityTests
{
    [Fact]
    public void OfName_IsTheIdentityOfTheProcessesInside_AndNullForAPlainFileOrNoName()
    {
        using var c = TestCluster.Create();
        var node = c.Nodes[0];
        var stale = node.PodNetnsPrefix + "stale";
        File.WriteAllText(Netns.PathOf(stale), ""); // a name left without its mount (a crash between create and mount)
        try
        {
            var inside = TestCluster.Run("ip", "netns", "exec", node.NodeNetns, "readlink", "/proc/self/ns/net").Stdout.Trim();

            Assert.Equal(inside, NetnsIdentity.OfName(node.NodeNetns));
            Assert.NotEqual(NetnsIdentity.OfProcess(Environment.ProcessId), NetnsIdentity.OfName(node.NodeNetns));
            Assert.Null(NetnsIdentity.OfName(stale));
            Assert.Null(NetnsIdentity.OfName(node.PodNetnsPrefix + "missing"));
        }
        finally { File.Delete(Netns.PathOf(stale)); }
    }
}
