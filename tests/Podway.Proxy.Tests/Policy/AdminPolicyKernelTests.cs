using Podway.Proxy.Nft;
using Podway.Proxy.Policy;
using Podway.Proxy.Tests.Kernel;
using static Podway.Proxy.Tests.Policy.PolicyObjects;

namespace Podway.Proxy.Tests.Policy;

/// <summary>
/// The admin tiers with the real `nft` and real traffic (the lab of <see cref="PolicyKernelTests"/>: p1 10.244.0.5 and
/// p2 10.244.0.6 in namespace shop, client c 10.244.0.9 in namespace other): an ANP Deny beats a NetworkPolicy
/// allow, an ANP Allow skips the NetworkPolicies, Pass hands over to them, and the baseline applies only to Pods no
/// NetworkPolicy isolates.
/// </summary>
[Collection("kernel")]
public sealed class AdminPolicyKernelTests(KernelLab lab) : IClassFixture<KernelLab>
{
    static readonly NamespaceView[] Namespaces = [Ns("shop"), Ns("other", "team=other")];
    static readonly PodView P1 = Pod("shop", "p1", "10.244.0.5", "app=p1");
    static readonly PodView P2 = Pod("shop", "p2", "10.244.0.6", "app=p2");
    static readonly PodView C = Pod("other", "c", "10.244.0.9", "role=client");

    /// <summary>p1 accepts ingress only from namespace other.</summary>
    static readonly PolicyView AllowOtherToP1 = NetPol("shop", "allow-other", """
        {"podSelector":{"matchLabels":{"app":"p1"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"other"}}}]}]}
        """);

    static AdminPolicyView DenyOtherToShop(string action) => Anp("other-to-shop", 10, """
        {"subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"shop"}}},
         "ingress":[{"name":"from-other","action":"ACTION","from":[{"namespaces":{"matchLabels":{"team":"other"}}}]}]}
        """.Replace("ACTION", action));

    static readonly AdminPolicyView AllowP2ToP1 = Anp("p2-to-p1", 1, """
        {"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"p1"}}}},
         "ingress":[{"action":"Allow","from":[{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"p2"}}}}],
                     "ports":[{"portNumber":{"protocol":"TCP","port":8080}}]}]}
        """);

    string Table => PolicyNames.TableFor(lab.Table);

    static PolicyRuleset Compile(IEnumerable<PolicyView> policies, params AdminPolicyView[] admin) =>
        PolicyCompiler.Compile(policies, [P1, P2, C], Namespaces, ["10.244.0.1", KernelLab.NodeIp], admin);

    async Task<string> Connect(string from, string ip, int port = 8080, string proto = "tcp") =>
        (await lab.ConnectAsync(from, ip, port, proto)).Output;

    [Fact]
    public async Task AnpDenyAllowPass_OverTheNetworkPolicies_InPriorityOrder()
    {
        var syncer = new PolicySyncer(new RealNftables(lab.NodeNs), Table);
        await syncer.SyncAsync(Compile([AllowOtherToP1]), default);
        Assert.Equal("p1", await Connect("c", "10.244.0.5"));
        Assert.Equal("TIMEOUT", await Connect("p2", "10.244.0.5"));

        // Deny from other beats the NetworkPolicy's allow; Allow p2 -> p1:8080 (priority 1) skips the NetworkPolicy.
        var deny = DenyOtherToShop("Deny");
        await syncer.SyncAsync(Compile([AllowOtherToP1], deny, AllowP2ToP1), default);
        Assert.Equal("TIMEOUT", await Connect("c", "10.244.0.5"));
        Assert.Equal("TIMEOUT", await Connect("c", "10.244.0.6")); // p2: no NetworkPolicy, the ANP still denies
        Assert.Equal("p1", await Connect("p2", "10.244.0.5"));
        Assert.Equal("TIMEOUT", await Connect("p2", "10.244.0.5", 5353, "udp")); // not the Allow's port: the NetworkPolicy decides
        Assert.Equal("p1", await Connect("node", "10.244.0.5")); // the node, always

        var lines = new List<string>();
        await new DropLog(new RealNftables(lab.NodeNs), Table, lines.Add).PollAsync(Compile([AllowOtherToP1], deny, AllowP2ToP1), default);
        Assert.Contains(lines, l => l.Contains("tcp 10.244.0.9 -> 10.244.0.5:8080") && l.Contains("AdminNetworkPolicy other-to-shop ingress rule 0 \"from-other\""));

        // Pass: the NetworkPolicy decides for p1 (allows c), and p2, which no NetworkPolicy isolates, is open.
        var pass = await syncer.SyncAsync(Compile([AllowOtherToP1], DenyOtherToShop("Pass"), AllowP2ToP1), default);
        Assert.False(pass.Full);
        Assert.Equal("p1", await Connect("c", "10.244.0.5"));
        Assert.Equal("p2", await Connect("c", "10.244.0.6"));
    }

    [Fact]
    public async Task Baseline_OnlyForPodsNoNetworkPolicyIsolates_AndAnpPassReachesIt()
    {
        var syncer = new PolicySyncer(new RealNftables(lab.NodeNs), Table);
        var banp = Banp("""
            {"subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"shop"}}},
             "ingress":[{"name":"deny-other","action":"Deny","from":[{"namespaces":{"matchLabels":{"team":"other"}}}]}],
             "egress":[{"action":"Deny","to":[{"networks":["10.244.0.9/32"]}]}]}
            """);
        await syncer.SyncAsync(Compile([AllowOtherToP1], banp), default);
        Assert.Equal("p1", await Connect("c", "10.244.0.5"));      // p1 is isolated by its NetworkPolicy, which allows c
        Assert.Equal("TIMEOUT", await Connect("c", "10.244.0.6")); // p2 is not: the baseline denies
        Assert.Equal("p2", await Connect("p1", "10.244.0.6"));     // the baseline denies only namespace other
        Assert.Equal("TIMEOUT", await Connect("p2", "10.244.0.9")); // egress to the network 10.244.0.9/32

        // An ANP Pass goes to the NetworkPolicies, and past them to the baseline.
        await syncer.SyncAsync(Compile([AllowOtherToP1], banp, DenyOtherToShop("Pass")), default);
        Assert.Equal("TIMEOUT", await Connect("c", "10.244.0.6"));
        Assert.Matches(@"packets [1-9]", KernelLab.Run("ip", ["netns", "exec", lab.NodeNs, "nft", "list", "counter", "ip", Table, "banp-in0-hits"]).Out);

        // Baseline removed: open again, its sets and counters gone.
        await syncer.SyncAsync(Compile([AllowOtherToP1]), default);
        Assert.Equal("p2", await Connect("c", "10.244.0.6"));
        Assert.DoesNotContain("banp-in0", KernelLab.Run("ip", ["netns", "exec", lab.NodeNs, "nft", "list", "table", "ip", Table]).Out);
    }
}
