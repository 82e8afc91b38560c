using Podway.Proxy.Nft;
using static Podway.Proxy.Tests.Objects;

namespace Podway.Proxy.Tests.Kernel;

/// <summary>The rendered rules applied with the real `nft` inside a lab node namespace, and real traffic through them.</summary>
[Collection("kernel")]
public sealed class RealNftablesTests(KernelLab lab) : IClassFixture<KernelLab>
{
    ProxyHarness NewHarness() => new(new RealNftables(lab.NodeNs), ProxyHarness.Node with
    {
        NodeIps = [KernelLab.NodeIp], TableName = lab.Table, ClusterPodCidr = "10.244.0.0/16",
    });

    static ProxyHarness WithWeb(ProxyHarness h, params string[] endpoints)
    {
        h.Add(Service("shop", "web", "10.96.0.20", [new("http", 80, NodePort: 30007), new("dns", 53, "UDP")], "NodePort"));
        h.Add(Slice("shop", "web", "web-1", [("http", 8080, "TCP"), ("dns", 5353, "UDP")], [.. endpoints.Select(ip => new Ep(ip))]));
        h.Add(Service("shop", "empty", "10.96.0.40", [new("http", 80, NodePort: 30008), new("dns", 53, "UDP")], "NodePort"));
        return h;
    }

    [Fact]
    public async Task FullSync_ClusterIp_ReachesBothEndpoints()
    {
        var h = WithWeb(NewHarness(), "10.244.0.5", "10.244.0.6");
        await h.SyncAsync();
        var seen = new HashSet<string>();
        for (var i = 0; i < 30 && seen.Count < 2; i++) seen.Add((await lab.ConnectAsync("c", "10.96.0.20", 80)).Output);
        Assert.Equal(["p1", "p2"], seen.Order());
        Assert.Contains((await lab.ConnectAsync("c", "10.96.0.20", 53, "udp")).Output, new[] { "p1", "p2" });
    }

    [Fact]
    public async Task FullSync_ServiceWithoutEndpoints_RefusesAtOnce()
    {
        await WithWeb(NewHarness(), "10.244.0.5").SyncAsync();
        var (output, took) = await lab.ConnectAsync("c", "10.96.0.40", 80);
        Assert.Equal("REFUSED", output);
        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
        Assert.Equal("REFUSED", (await lab.ConnectAsync("x", KernelLab.NodeIp, 30008)).Output);
    }

    /// <summary>
    /// A client that tries a Service without endpoints again and again: every TCP attempt is refused at once by a
    /// TCP reset (an ICMP port unreachable, which the kernel rate-limits per destination, would stop after a burst
    /// of about 6 and leave the rest to time out). UDP still gets the ICMP answer: refused.
    /// </summary>
    [Fact]
    public async Task FullSync_ServiceWithoutEndpoints_50AttemptsFromOnePodAllRefused()
    {
        await WithWeb(NewHarness(), "10.244.0.5").SyncAsync();
        Assert.Equal("REFUSED=50", await lab.ConnectBurstAsync("c", "10.96.0.40", 80, 50));
        Assert.Equal("REFUSED=50", await lab.ConnectBurstAsync("c", "10.96.0.20", 81, 50)); // a port the ClusterIP does not serve
        Assert.Equal("REFUSED", (await lab.ConnectAsync("c", "10.96.0.40", 53, "udp")).Output);
    }

    [Fact]
    public async Task FullSync_NodePort_ReachesEndpointFromOutside()
    {
        await WithWeb(NewHarness(), "10.244.0.6").SyncAsync();
        Assert.Equal("p2", (await lab.ConnectAsync("x", KernelLab.NodeIp, 30007)).Output);
    }

    [Fact]
    public async Task FullSync_Hairpin_EndpointReachesItsOwnService()
    {
        await WithWeb(NewHarness(), "10.244.0.5").SyncAsync();
        Assert.Equal("p1", (await lab.ConnectAsync("p1", "10.96.0.20", 80)).Output);
    }

    [Fact]
    public async Task PartialSync_EndpointsChange_EstablishedConnectionKeepsWorking()
    {
        var h = WithWeb(NewHarness(), "10.244.0.5");
        await h.SyncAsync();
        var hold = lab.HoldFile("hold-" + Guid.NewGuid().ToString("N")[..6]);
        var held = lab.ConnectAsync("c", "10.96.0.20", 80, holdFile: hold);
        await Task.Delay(700); // the connection is established to p1 meanwhile

        // Endpoint p2 replaces p1 in the slice, and another Service appears: one partial sync.
        h.Add(Slice("shop", "web", "web-1", [("http", 8080, "TCP"), ("dns", 5353, "UDP")], [new("10.244.0.6")]));
        h.Add(Service("shop", "other", "10.96.0.41", [new("", 81)]));
        var partial = await h.SyncAsync();
        Assert.False(partial.Full);
        Assert.Equal("p2", (await lab.ConnectAsync("c", "10.96.0.20", 80)).Output); // new connections go to p2

        File.WriteAllText(hold, "");
        var (output, _) = await held;
        Assert.Equal("p1\np1:again", output.Replace("\r", "")); // the old one still talks to p1
    }

    [Fact]
    public async Task Sync_AfterNftFailure_NextSyncIsFullAndConverges()
    {
        var h = WithWeb(NewHarness(), "10.244.0.5");
        await h.SyncAsync();
        // Someone deletes our table behind our back: the partial sync fails, the next one rebuilds everything.
        KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "delete", "table", "ip", lab.Table);
        h.Add(Slice("shop", "web", "web-1", [("http", 8080, "TCP"), ("dns", 5353, "UDP")], [new("10.244.0.6")]));
        await Assert.ThrowsAsync<NftException>(h.SyncAsync);
        Assert.True(h.Proxier.NeedsFullSync);
        var again = await h.SyncAsync();
        Assert.True(again.Full);
        Assert.Equal("p2", (await lab.ConnectAsync("c", "10.96.0.20", 80)).Output);
    }

    [Fact]
    public async Task FullSync_NodeToClusterIpInLastShard_PassesPostDnatCheck()
    {
        // The last shard's nat chains have the highest priority (-85), above filter-output-post-dnat (-90); they
        // still run inside nf_nat's hook at -100, so the post-DNAT check sees the endpoint, not the ClusterIP.
        var h = NewHarness();
        var layout = h.Proxier.Layout;
        var name = Enumerable.Range(0, 500).Select(i => $"last{i}").First(n => layout.ShardOf($"shop/{n}") == layout.ShardCount - 1);
        h.Add(Service("shop", name, "10.96.0.21", [new("http", 80)]));
        h.Add(Slice("shop", name, $"{name}-1", [("http", 8080, "TCP")], [new("10.244.0.6")]));
        await h.SyncAsync();
        Assert.Equal("p2", (await lab.ConnectAsync("node", "10.96.0.21", 80)).Output);
        Assert.Equal("p2", (await lab.ConnectAsync("c", "10.96.0.21", 80)).Output);
    }

    [Fact]
    public async Task FullSync_StaleShardsInKernel_DeletedAndAllShardsPresent()
    {
        KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "add", "table", "ip", $"{lab.Table}-s77");
        var h = WithWeb(NewHarness(), "10.244.0.5");
        await h.SyncAsync();
        var tables = KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "list", "tables", "ip").Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[2]).Where(t => t.StartsWith(lab.Table)).Order(StringComparer.Ordinal);
        Assert.Equal(h.Proxier.Layout.All.Order(StringComparer.Ordinal), tables);
    }

    [Fact]
    public async Task Kernel_TwoTablesDnatSameAddress_LowerPriorityNatChainWinsAndLaterSkipped()
    {
        // What sharding relies on (nf_nat_inet_fn): nat chains run in nf_nat's hook in priority order, not creation
        // order, and once one bound the connection the others are skipped; a filter chain at -90 runs after all of
        // them even when a nat chain's own priority is higher.
        var tables = new[] { $"podway-{lab.Name}-natb", $"podway-{lab.Name}-nata", $"podway-{lab.Name}-guard" };
        var script = $$"""
            add table ip {{tables[0]}}
            add chain ip {{tables[0]}} pre { type nat hook prerouting priority -70 ; }
            add rule ip {{tables[0]}} pre ip daddr 10.96.9.9 tcp dport 80 dnat to 10.244.0.6:8080
            add table ip {{tables[1]}}
            add chain ip {{tables[1]}} pre { type nat hook prerouting priority -80 ; }
            add rule ip {{tables[1]}} pre ip daddr 10.96.9.9 tcp dport 80 dnat to 10.244.0.5:8080
            add table ip {{tables[2]}}
            add chain ip {{tables[2]}} guard { type filter hook prerouting priority -90 ; }
            add rule ip {{tables[2]}} guard ip daddr 10.96.9.9 drop
            add rule ip {{tables[2]}} guard ip daddr 10.244.0.6 drop

            """;
        try
        {
            var file = lab.HoldFile("nat-order.nft");
            File.WriteAllText(file, script);
            var (code, _, err) = KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "-f", file);
            Assert.True(code == 0, err);
            for (var i = 0; i < 5; i++) Assert.Equal("p1", (await lab.ConnectAsync("c", "10.96.9.9", 80)).Output);
        }
        finally
        {
            foreach (var t in tables) KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "delete", "table", "ip", t);
        }
    }
}
