using Podway.HostSystem;

namespace Podway.Cli.Tests;

/// <summary>Creates real kernel objects (needs root, as ./test does) and checks only the cluster's own go away.</summary>
public sealed class ClusterKernelObjectsTests
{
    [Theory]
    [InlineData("podway-dev", true)]
    [InlineData("podway-dev-br", true)]
    [InlineData("pwdev", true)]
    [InlineData("pwdev-n1", true)]
    [InlineData("podway-dev-s07", true)] // a service proxy shard table
    [InlineData("podway-devx", false)] // cluster "devx"
    [InlineData("pwdevx-n1", false)]
    [InlineData("eth0", false)]
    [InlineData("docker0", false)]
    [InlineData("podway-prod", false)]
    public void BelongsTo_Name_MatchesOnlyThisClustersPrefixes(string objectName, bool ours) =>
        Assert.Equal(ours, ClusterKernelObjects.BelongsTo(objectName, "dev"));

    static string[] Lines(params string[] cmd) =>
        HostCommand.Run(cmd[0], cmd[1..]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    static void Must(params string[] cmd)
    {
        var r = HostCommand.Run(cmd[0], cmd[1..]);
        Assert.True(r.Ok, $"{string.Join(' ', cmd)}: {r.Stderr}");
    }

    [Fact]
    public void RemoveAll_AfterCrash_RemovesNetnsLinksAndTablesOfThisClusterOnly()
    {
        // Cluster "kt1" is ours; "kt12" is a neighbour whose objects share the first characters.
        Must("ip", "netns", "add", "pwkt1-n1");
        Must("ip", "netns", "add", "pwkt12-n1");
        Must("ip", "link", "add", "pwkt1-a", "type", "veth", "peer", "name", "pwkt1-b");
        Must("ip", "link", "add", "pwkt12-a", "type", "veth", "peer", "name", "pwkt12-b");
        var nft = HostCommand.Exists("nft");
        if (nft)
        {
            Must("nft", "add", "table", "inet", "podway-kt1");
            Must("nft", "add", "table", "inet", "podway-kt12");
            Must("nft", "add", "table", "ip", "podway-kt1-s03"); // the service proxy's shards
            Must("nft", "add", "table", "ip", "podway-kt12-s03");
        }
        try
        {
            var removed = ClusterKernelObjects.RemoveAll("kt1");

            Assert.Contains("netns pwkt1-n1", removed);
            Assert.Contains(removed, r => r is "link pwkt1-a" or "link pwkt1-b");
            Assert.DoesNotContain(Lines("ip", "netns", "list"), l => l.StartsWith("pwkt1-n1"));
            Assert.DoesNotContain(Lines("ip", "-o", "link"), l => l.Contains(" pwkt1-"));
            Assert.Contains(Lines("ip", "netns", "list"), l => l.StartsWith("pwkt12-n1"));
            Assert.Contains(Lines("ip", "-o", "link"), l => l.Contains(" pwkt12-a"));
            if (nft)
            {
                Assert.Contains("nft table inet podway-kt1", removed);
                Assert.DoesNotContain("table inet podway-kt1", Lines("nft", "list", "tables"));
                Assert.Contains("table inet podway-kt12", Lines("nft", "list", "tables"));
                Assert.DoesNotContain("table ip podway-kt1-s03", Lines("nft", "list", "tables"));
                Assert.Contains("table ip podway-kt12-s03", Lines("nft", "list", "tables"));
            }
            Assert.Empty(ClusterKernelObjects.RemoveAll("kt1")); // idempotent
        }
        finally
        {
            ClusterKernelObjects.RemoveAll("kt1");
            ClusterKernelObjects.RemoveAll("kt12");
        }
        Assert.DoesNotContain(Lines("ip", "netns", "list"), l => l.StartsWith("pwkt12"));
    }
}
