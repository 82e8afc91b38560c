using Podway.Proxy.Policy;
using static Podway.Proxy.Policy.PolicyNames;
using static Podway.Proxy.Tests.Policy.PolicyObjects;

namespace Podway.Proxy.Tests.Policy;

/// <summary>The compiler alone: which Pods each set holds and which rules each chain gets, as NetworkPolicy v1 defines them.</summary>
public sealed class PolicyCompilerTests
{
    static readonly NamespaceView[] Namespaces = [Ns("x", "ns=x"), Ns("y", "ns=y"), Ns("z", "ns=z")];
    static readonly PodView[] Pods =
    [
        Pod("x", "a", "10.244.0.10", "pod=a", new NamedPort("http", "TCP", 8080), new NamedPort("dns", "UDP", 53)),
        Pod("x", "b", "10.244.0.11", "pod=b", new NamedPort("http", "TCP", 9090)),
        Pod("y", "a", "10.244.0.20", "pod=a"),
        Pod("y", "b", "10.244.0.21", "pod=b"),
        Pod("z", "c", "10.244.0.32", "pod=c"),
    ];

    static PolicyRuleset Compile(params PolicyView[] policies) => PolicyCompiler.Compile(policies, Pods, Namespaces, ["10.244.0.1"]);

    static string Id(string key) => PolicyNames.Id(key);

    [Fact]
    public void NoPolicies_NoTargetsNoDrops_NodeAddressesKept()
    {
        var r = Compile();
        Assert.Equal(["ct state established,related accept", "jump anp-egress", "jump np-egress", "jump np-egress-drops", "jump banp-egress"], r.Chains[EgressChain]);
        Assert.Equal(["ct state established,related accept", "ip saddr @node-ips accept", "jump anp-ingress", "jump np-ingress", "jump np-ingress-drops", "jump banp-ingress"], r.Chains[IngressChain]);
        Assert.Empty(r.Chains[DispatchChain("ingress")]);
        Assert.Empty(r.Chains[DropChain("egress")]);
        Assert.Equal(["10.244.0.1"], r.Sets[NodeIpsSet].Elements);
        Assert.Empty(r.Counters);
    }

    [Fact]
    public void EmptyPodSelector_SelectsEveryPodOfItsNamespaceOnly_IngressInferred()
    {
        var r = Compile(NetPol("x", "deny", """{"podSelector":{}}"""));
        var id = Id("x/deny");
        Assert.Equal(["10.244.0.10", "10.244.0.11"], r.Sets[Targets(id)].Elements.Order());
        Assert.Empty(r.Chains[Chain(id, "ingress")]); // no rules: deny
        Assert.False(r.Chains.ContainsKey(Chain(id, "egress")));
        Assert.Contains($"ip daddr @{Targets(id)} counter name \"{Counter(id, "ingress")}\" log prefix \"{Counter(id, "ingress")}\" group 2187 drop", r.Chains[DropChain("ingress")]);
    }

    [Fact]
    public void EgressRulesWithoutPolicyTypes_EgressInferredToo()
    {
        var r = Compile(NetPol("x", "eg", """{"podSelector":{},"egress":[{"ports":[{"port":53,"protocol":"UDP"}]}]}"""));
        var id = Id("x/eg");
        Assert.Equal([$"meta l4proto . th dport @{Ports(id, "egress", 0)} accept"], r.Chains[Chain(id, "egress")]);
        Assert.Equal(["udp . 53"], r.Sets[Ports(id, "egress", 0)].Elements);
        Assert.True(r.Chains.ContainsKey(Chain(id, "ingress")));
    }

    [Fact]
    public void ExplicitEgressOnly_NoIngressChain()
    {
        var r = Compile(NetPol("x", "eg", """{"podSelector":{},"policyTypes":["Egress"]}"""));
        Assert.False(r.Chains.ContainsKey(Chain(Id("x/eg"), "ingress")));
        Assert.Empty(r.Chains[Chain(Id("x/eg"), "egress")]);
    }

    [Fact]
    public void RuleWithoutPeersOrPorts_AllowsEverything()
    {
        var r = Compile(NetPol("x", "all", """{"podSelector":{},"ingress":[{}]}"""));
        Assert.Equal(["accept"], r.Chains[Chain(Id("x/all"), "ingress")]);
    }

    public sealed record PeerCase(string Peers, string[] ExpectedIps);

    public static TheoryData<PeerCase> PeerCases() =>
    [
        new("""[{"podSelector":{"matchLabels":{"pod":"b"}}}]""", ["10.244.0.11"]), // own namespace only
        new("""[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}]""", ["10.244.0.20", "10.244.0.21"]),
        new("""[{"namespaceSelector":{"matchLabels":{"ns":"y"}},"podSelector":{"matchLabels":{"pod":"b"}}}]""", ["10.244.0.21"]), // AND
        new("""[{"namespaceSelector":{"matchLabels":{"ns":"y"}}},{"podSelector":{"matchLabels":{"pod":"b"}}}]""", ["10.244.0.11", "10.244.0.20", "10.244.0.21"]), // OR
        new("""[{"namespaceSelector":{}}]""", ["10.244.0.10", "10.244.0.11", "10.244.0.20", "10.244.0.21", "10.244.0.32"]),
        new("""[{"namespaceSelector":{"matchExpressions":[{"key":"ns","operator":"NotIn","values":["x","y"]}]}}]""", ["10.244.0.32"]),
        new("""[{"podSelector":{"matchLabels":{"pod":"nothing"}}}]""", []),
    ];

    [Theory, MemberData(nameof(PeerCases))]
    public void SelectorPeers_SelectExactlyThesePods(PeerCase c)
    {
        var r = Compile(NetPol("x", "p", """{"podSelector":{"matchLabels":{"pod":"a"}},"ingress":[{"from":""" + c.Peers + "}]}"));
        var id = Id("x/p");
        Assert.Equal(c.ExpectedIps, r.Sets[PeerPods(id, "ingress", 0)].Elements.Order());
        Assert.Equal([$"ip saddr @{PeerPods(id, "ingress", 0)} accept"], r.Chains[Chain(id, "ingress")]);
    }

    [Fact]
    public void IpBlockWithExcept_DisjointRanges_InIntervalSet()
    {
        var r = Compile(NetPol("x", "b", """{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/24","except":["10.0.0.16/28","10.0.0.255/32"]}},{"ipBlock":{"cidr":"10.0.0.20/32"}}]}]}"""));
        var set = r.Sets[PeerBlocks(Id("x/b"), "ingress", 0)];
        Assert.True(set.Interval);
        Assert.Equal(["10.0.0.0-10.0.0.15", "10.0.0.20", "10.0.0.32-10.0.0.254"], set.Elements.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SelectorAndIpBlockPeersInOneRule_OneAcceptPerPeerKind_TimesPortKind()
    {
        var r = Compile(NetPol("x", "m", """{"podSelector":{},"ingress":[{"from":[{"podSelector":{}},{"ipBlock":{"cidr":"192.168.0.0/16"}}],"ports":[{"port":80},{"port":"http"}]}]}"""));
        var id = Id("x/m");
        Assert.Equal(
        [
            $"ip saddr @{PeerPods(id, "ingress", 0)} meta l4proto . th dport @{Ports(id, "ingress", 0)} accept",
            $"ip saddr @{PeerPods(id, "ingress", 0)} ip daddr . meta l4proto . th dport @{NamedPorts(id, "ingress", 0)} accept",
            $"ip saddr @{PeerBlocks(id, "ingress", 0)} meta l4proto . th dport @{Ports(id, "ingress", 0)} accept",
            $"ip saddr @{PeerBlocks(id, "ingress", 0)} ip daddr . meta l4proto . th dport @{NamedPorts(id, "ingress", 0)} accept",
        ], r.Chains[Chain(id, "ingress")]);
    }

    [Fact]
    public void NamedPort_ResolvedPerTargetPodAndProtocol()
    {
        var r = Compile(NetPol("x", "n", """{"podSelector":{},"ingress":[{"ports":[{"port":"http"},{"port":"dns","protocol":"UDP"},{"port":"dns"}]}]}"""));
        // "dns" is UDP on x/a: the TCP "dns" resolves to nothing; x/b's http is another number.
        Assert.Equal(["10.244.0.10 . tcp . 8080", "10.244.0.10 . udp . 53", "10.244.0.11 . tcp . 9090"],
            r.Sets[NamedPorts(Id("x/n"), "ingress", 0)].Elements.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NumericPorts_EndPortRangesMergedPerProtocol_ProtocolOnlyMeansAllPorts()
    {
        var r = Compile(NetPol("x", "p", """{"podSelector":{},"ingress":[{"ports":[{"port":80,"endPort":90},{"port":85},{"port":91},{"protocol":"SCTP"},{"protocol":"UDP","port":80}]}]}"""));
        Assert.Equal(["sctp . 0-65535", "tcp . 80-91", "udp . 80"], r.Sets[Ports(Id("x/p"), "ingress", 0)].Elements.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TwoPoliciesSelectingOnePod_BothChainsJumpedTo_DropsChargedInNameOrder()
    {
        var r = Compile(NetPol("x", "b-second", """{"podSelector":{}}"""), NetPol("x", "a-first", """{"podSelector":{"matchLabels":{"pod":"a"}}}"""));
        var jumps = r.Chains[DispatchChain("ingress")];
        var (first, second) = (Id("x/a-first"), Id("x/b-second"));
        Assert.Equal([$"ip daddr @{Targets(first)} jump {Chain(first, "ingress")}", $"ip daddr @{Targets(second)} jump {Chain(second, "ingress")}"], jumps);
        Assert.All(r.Chains[DropChain("ingress")], l => Assert.EndsWith("drop", l));
        Assert.Equal(4, r.Chains[DropChain("ingress")].Count);
        Assert.Equal(["x/a-first", "x/b-second"], r.DropOwners.Where(o => o.PodIps.Contains("10.244.0.10")).Select(o => o.PolicyKey));
    }

    [Fact]
    public void LabelChange_OnlySetElementsDiffer()
    {
        var policy = NetPol("x", "p", """{"podSelector":{},"ingress":[{"from":[{"podSelector":{"matchLabels":{"role":"client"}}}]}]}""");
        var before = PolicyCompiler.Compile([policy], Pods, Namespaces, []);
        var relabelled = Pods.Select(p => p.Name == "b" && p.Namespace == "x" ? p with { Labels = new Dictionary<string, string> { ["role"] = "client" } } : p).ToList();
        var after = PolicyCompiler.Compile([policy], relabelled, Namespaces, []);
        Assert.Equal(before.Chains.Keys, after.Chains.Keys);
        Assert.All(before.Chains, c => Assert.Equal(c.Value, after.Chains[c.Key]));
        Assert.Equal(["10.244.0.11"], after.Sets[PeerPods(Id("x/p"), "ingress", 0)].Elements);
    }
}
