using Podway.Proxy.Nft;
using Podway.Proxy.Policy;
using Podway.Proxy.Tests.Kernel;
using static Podway.Proxy.Tests.Objects;
using static Podway.Proxy.Tests.Policy.PolicyObjects;

namespace Podway.Proxy.Tests.Policy;

/// <summary>
/// Compiled policies applied with the real `nft` in a lab node namespace, and real traffic through them: Pods p1
/// (10.244.0.5), p2 (10.244.0.6) serving TCP 8080 / UDP 5353, client c (10.244.0.9), outside x behind node IP.
/// </summary>
[Collection("kernel")]
public sealed class PolicyKernelTests(KernelLab lab) : IClassFixture<KernelLab>
{
    static readonly NamespaceView[] Namespaces = [Ns("shop"), Ns("other", "team=other")];
    static readonly PodView P1 = Pod("shop", "p1", "10.244.0.5", "app=p1", new NamedPort("http", "TCP", 8080));
    static readonly PodView P2 = Pod("shop", "p2", "10.244.0.6", "app=p2");
    static readonly PodView C = Pod("other", "c", "10.244.0.9", "role=client");
    static readonly string[] NodeAddresses = ["10.244.0.1", KernelLab.NodeIp];

    string Table => PolicyNames.TableFor(lab.Table);
    PolicySyncer NewSyncer() => new(new RealNftables(lab.NodeNs), Table);

    static PolicyRuleset Compile(IEnumerable<PolicyView> policies, params PodView[] pods) =>
        PolicyCompiler.Compile(policies, pods.Length == 0 ? [P1, P2, C] : pods, Namespaces, NodeAddresses);

    string Nft(params string[] args) => KernelLab.Run("ip", ["netns", "exec", lab.NodeNs, "nft", .. args]).Out;

    [Fact]
    public async Task DenyIngress_SelectedPodUnreachable_OthersOpen_DropCountedAndLogged()
    {
        var syncer = NewSyncer();
        await syncer.SyncAsync(Compile([]), default);
        Assert.Equal("p1", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output);

        var deny = NetPol("shop", "deny-p1", """{"podSelector":{"matchLabels":{"app":"p1"}}}""");
        await syncer.SyncAsync(Compile([deny]), default);
        Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output);
        Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.244.0.5", 5353, "udp")).Output);
        Assert.Equal("p2", (await lab.ConnectAsync("c", "10.244.0.6", 8080)).Output);
        Assert.Equal("p1", (await lab.ConnectAsync("node", "10.244.0.5", 8080)).Output); // the node (kubelet probes) always

        var counter = PolicyNames.Counter(PolicyNames.Id("shop/deny-p1"), "ingress");
        Assert.Matches(@"packets [1-9]", Nft("list", "counter", "ip", Table, counter));
        Assert.Contains("10.244.0.9 . 10.244.0.5 . tcp . 8080", Nft("list", "set", "ip", Table, PolicyNames.IngressDropLog));

        var lines = new List<string>();
        var log = new DropLog(new RealNftables(lab.NodeNs), Table, lines.Add);
        await log.PollAsync(Compile([deny]), default);
        Assert.Contains(lines, l => l.Contains("tcp 10.244.0.9 -> 10.244.0.5:8080") && l.Contains("shop/deny-p1"));
        Assert.True(log.Counters[counter].Packets > 0);
    }

    [Fact]
    public async Task AllowFromNamespaceOnNamedPort_ThroughClusterIp_OnlyThatPathPasses()
    {
        // The service proxy's DNAT runs before the policy: a ClusterIP path is judged on the backend Pod.
        var proxy = new ProxyHarness(new RealNftables(lab.NodeNs), ProxyHarness.Node with
        {
            NodeIps = [KernelLab.NodeIp], TableName = lab.Table, ClusterPodCidr = "10.244.0.0/16",
        });
        proxy.Add(Service("shop", "web", "10.96.0.20", [new("http", 80)]));
        proxy.Add(Slice("shop", "web", "web-1", [("http", 8080, "TCP")], [new("10.244.0.5")]));
        await proxy.SyncAsync();

        var syncer = NewSyncer();
        var allow = NetPol("shop", "allow-other", """
            {"podSelector":{"matchLabels":{"app":"p1"}},
             "ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"other"}}}],"ports":[{"port":"http"}]}]}
            """);
        await syncer.SyncAsync(Compile([allow]), default);
        Assert.Equal("p1", (await lab.ConnectAsync("c", "10.96.0.20", 80)).Output);
        Assert.Equal("TIMEOUT", (await lab.ConnectAsync("p2", "10.96.0.20", 80)).Output);

        // c's namespace loses the label: only set elements change, and c is cut off too.
        var result = await syncer.SyncAsync(PolicyCompiler.Compile([allow], [P1, P2, C], [Ns("shop"), Ns("other")], NodeAddresses), default);
        Assert.False(result.Full);
        Assert.Equal(1, result.Operations);
        Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.96.0.20", 80)).Output);
    }

    [Fact]
    public async Task DenyEgress_EstablishedConnectionContinues_NewOnesDropped()
    {
        var syncer = NewSyncer();
        await syncer.SyncAsync(Compile([]), default);
        var hold = lab.HoldFile("hold-" + Guid.NewGuid().ToString("N")[..6]);
        var held = lab.ConnectAsync("c", "10.244.0.6", 8080, holdFile: hold);
        await Task.Delay(700); // established meanwhile

        var denyEgress = NetPol("other", "deny-egress", """{"podSelector":{},"policyTypes":["Egress"]}""");
        await syncer.SyncAsync(Compile([denyEgress]), default);
        Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.244.0.6", 8080)).Output);
        Assert.Equal("p1", (await lab.ConnectAsync("p2", "10.244.0.5", 8080)).Output);

        File.WriteAllText(hold, "");
        Assert.Equal("p2\np2:again", (await held).Output.Replace("\r", ""));
    }

    [Fact]
    public async Task OnePolicyAddedOrDeleted_SameNftOperationsWithFewOrManyOtherPolicies()
    {
        // A policy's jump and drops are appended to the dispatch chains and deleted by handle: the other policies'
        // rules are not rewritten, so the cost of one change does not grow with their number.
        static PolicyView Other(int i) => NetPol("other", $"other-{i:D3}",
            """{"podSelector":{"matchLabels":{"app":"xI"}},"ingress":[{"ports":[{"port":PORT}]}]}""".Replace("I", $"{i}").Replace("PORT", $"{1000 + i}"));
        var deny = NetPol("shop", "deny-p1", """{"podSelector":{"matchLabels":{"app":"p1"}}}""");
        var costs = new List<(int Added, int Deleted)>();
        foreach (var others in new[] { 2, 60 })
        {
            var syncer = NewSyncer();
            var background = Enumerable.Range(0, others).Select(Other).ToList();
            await syncer.SyncAsync(Compile(background), default);
            var added = await syncer.SyncAsync(Compile([.. background, deny]), default);
            Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output);
            var deleted = await syncer.SyncAsync(Compile(background), default);
            Assert.Equal("p1", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output);
            Assert.False(added.Full || deleted.Full);
            costs.Add((added.Operations, deleted.Operations));
        }
        Assert.Equal(costs[0], costs[1]);
        Assert.InRange(costs[1].Added, 1, 12);
    }

    [Fact]
    public async Task IpBlockExceptAndPortRange_MatchOnlyTheirAddressesAndPorts()
    {
        var syncer = NewSyncer();
        var policy = NetPol("shop", "blocks", """
            {"podSelector":{},
             "ingress":[{"from":[{"ipBlock":{"cidr":"10.244.0.0/24","except":["10.244.0.8/30"]}}],
                         "ports":[{"port":8000,"endPort":8090},{"protocol":"UDP","port":5353}]}]}
            """);
        await syncer.SyncAsync(Compile([policy]), default);
        Assert.Equal("p1", (await lab.ConnectAsync("p2", "10.244.0.5", 8080)).Output);
        Assert.Equal("p1", (await lab.ConnectAsync("p2", "10.244.0.5", 5353, "udp")).Output);
        Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output); // 10.244.0.9 is excepted

        // Removing the policy deletes its chains, sets and counter; everything is open again.
        await syncer.SyncAsync(Compile([]), default);
        Assert.Equal("p1", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output);
        Assert.DoesNotContain(PolicyNames.Id("shop/blocks"), Nft("list", "table", "ip", Table));
    }
}
