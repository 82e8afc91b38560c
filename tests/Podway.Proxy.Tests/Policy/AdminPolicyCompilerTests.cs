using Podway.Proxy.Policy;
using static Podway.Proxy.Policy.PolicyNames;
using static Podway.Proxy.Tests.Policy.PolicyObjects;

namespace Podway.Proxy.Tests.Policy;

/// <summary>The compiler with AdminNetworkPolicies and the BaselineAdminNetworkPolicy: tier order, rule order, actions, sets.</summary>
public sealed class AdminPolicyCompilerTests
{
    static readonly NamespaceView[] Namespaces = [Ns("x", "house=x"), Ns("y", "house=y"), Ns("z")];
    static readonly PodView[] Pods =
    [
        Pod("x", "a", "10.244.0.10", "pod=a", new NamedPort("dns", "UDP", 53), new NamedPort("web", "TCP", 80)),
        Pod("x", "b", "10.244.0.11", "pod=b"),
        Pod("y", "a", "10.244.0.20", "pod=a", new NamedPort("dns", "TCP", 5353)),
        Pod("z", "a", "10.244.0.30", "pod=a"),
    ];

    static PolicyRuleset Compile(IEnumerable<PolicyView> policies, params AdminPolicyView[] admin) =>
        PolicyCompiler.Compile(policies, Pods, Namespaces, ["10.244.0.1"], admin);

    static readonly AdminPolicyView DenyFromY = Anp("deny-y", 20, """
        {"subject":{"namespaces":{"matchLabels":{"house":"x"}}},
         "ingress":[{"name":"deny-from-y","action":"Deny","from":[{"namespaces":{"matchLabels":{"house":"y"}}}]}]}
        """);
    static readonly AdminPolicyView AllowA = Anp("allow-a", 5, """
        {"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"pod":"a"}}}},
         "ingress":[{"action":"Allow","from":[{"pods":{"namespaceSelector":{"matchLabels":{"house":"y"}},"podSelector":{"matchLabels":{"pod":"a"}}}}],
                     "ports":[{"portNumber":{"protocol":"TCP","port":80}}]},
                    {"action":"Pass","from":[{"namespaces":{}}]}]}
        """);

    [Fact]
    public void NoAdminPolicies_TierChainsEmpty_JumpedBeforeAndAfterTheNetworkPolicies()
    {
        var r = Compile([NetPol("x", "deny", """{"podSelector":{}}""")]);
        var id = Id("x/deny");
        Assert.Equal(
        [
            "ct state established,related accept", "ip saddr @node-ips accept",
            "jump anp-ingress", "jump np-ingress", "jump np-ingress-drops", "jump banp-ingress",
        ], r.Chains[IngressChain]);
        Assert.Equal([$"ip daddr @{Targets(id)} jump {Chain(id, "ingress")}"], r.Chains[DispatchChain("ingress")]);
        Assert.Equal(
        [
            $"ip daddr @{Targets(id)} meta l4proto {{ tcp, udp, sctp }} update @drops-ingress {{ ip saddr . ip daddr . meta l4proto . th dport }} counter name \"{Counter(id, "ingress")}\" log prefix \"{Counter(id, "ingress")}\" group 2187 drop",
            $"ip daddr @{Targets(id)} counter name \"{Counter(id, "ingress")}\" log prefix \"{Counter(id, "ingress")}\" group 2187 drop",
        ], r.Chains[DropChain("ingress")]);
        Assert.Equal(["ct state established,related accept", "jump anp-egress", "jump np-egress", "jump np-egress-drops", "jump banp-egress"], r.Chains[EgressChain]);
        Assert.Empty(r.Chains[AdminChain("ingress")]);
        Assert.Empty(r.Chains[BaselineChain("egress")]);
    }

    [Fact]
    public void Anps_InPriorityOrder_RulesInOrder_ActionsAsVerdicts()
    {
        var r = Compile([], DenyFromY, AllowA);
        var (allow, deny) = (AdminId(AllowA), AdminId(DenyFromY));
        Assert.Equal(
        [
            $"ip daddr @{Targets(allow)} ip saddr @{PeerPods(allow, "ingress", 0)} meta l4proto . th dport @{Ports(allow, "ingress", 0)} counter name \"{RuleCounter(allow, "ingress", 0)}\" accept",
            $"ip daddr @{Targets(allow)} ip saddr @{PeerPods(allow, "ingress", 1)} counter name \"{RuleCounter(allow, "ingress", 1)}\" return",
            $"ip daddr @{Targets(deny)} ip saddr @{PeerPods(deny, "ingress", 0)} meta l4proto {{ tcp, udp, sctp }} update @{RuleDropLog(deny, "ingress", 0)} {{ ip saddr . ip daddr . meta l4proto . th dport }} counter name \"{RuleCounter(deny, "ingress", 0)}\" log prefix \"{RuleCounter(deny, "ingress", 0)}\" group 2187 drop",
            $"ip daddr @{Targets(deny)} ip saddr @{PeerPods(deny, "ingress", 0)} counter name \"{RuleCounter(deny, "ingress", 0)}\" log prefix \"{RuleCounter(deny, "ingress", 0)}\" group 2187 drop",
        ], r.Chains[AdminChain("ingress")]);
        // subject pods = namespaceSelector AND podSelector; subject namespaces = every Pod there.
        Assert.Equal(["10.244.0.10", "10.244.0.20", "10.244.0.30"], r.Sets[Targets(allow)].Elements.Order());
        Assert.Equal(["10.244.0.10", "10.244.0.11"], r.Sets[Targets(deny)].Elements.Order());
        Assert.Equal(["10.244.0.20"], r.Sets[PeerPods(allow, "ingress", 0)].Elements);
        Assert.Equal(4, r.Sets[PeerPods(allow, "ingress", 1)].Elements.Count); // namespaces: {} = every Pod
        Assert.Equal(["tcp . 80"], r.Sets[Ports(allow, "ingress", 0)].Elements);
        Assert.True(r.Sets[RuleDropLog(deny, "ingress", 0)].DropLog);
        var owner = Assert.Single(r.DropOwners);
        Assert.Equal("AdminNetworkPolicy deny-y ingress rule 0 \"deny-from-y\"", owner.DeniedBy);
        Assert.False(owner.IsNetworkPolicy);
        Assert.Equal(["Allow", "Pass", "Deny"], r.AdminRules.Where(a => a.Direction == "ingress").Select(a => a.Action));
    }

    [Fact]
    public void EgressNetworksPortRangeAndNamedPort_BecomeBlockPortAndNamedSets()
    {
        var anp = Anp("egress", 1, """
            {"subject":{"namespaces":{"matchLabels":{"house":"x"}}},
             "egress":[{"action":"Deny","to":[{"networks":["10.244.0.16/28","192.168.0.0/16"]}],
                        "ports":[{"portRange":{"protocol":"TCP","start":8000,"end":8080}},{"namedPort":"dns"}]}]}
            """);
        var r = Compile([], anp);
        var id = AdminId(anp);
        Assert.Equal(["10.244.0.16-10.244.0.31", "192.168.0.0-192.168.255.255"], r.Sets[PeerBlocks(id, "egress", 0)].Elements.Order());
        Assert.Equal(["tcp . 8000-8080"], r.Sets[Ports(id, "egress", 0)].Elements);
        // namedPort matches the name whatever the protocol, on any destination Pod (egress)
        Assert.Equal(["10.244.0.10 . udp . 53", "10.244.0.20 . tcp . 5353"], r.Sets[NamedPorts(id, "egress", 0)].Elements.Order());
        Assert.Equal(4, r.Chains[AdminChain("egress")].Count); // 1 peer kind x 2 port kinds, each a logged and a plain drop
        Assert.All(r.Chains[AdminChain("egress")], rule => Assert.StartsWith($"ip saddr @{Targets(id)} ip daddr @{PeerBlocks(id, "egress", 0)}", rule));
    }

    [Fact]
    public void Baseline_InItsOwnChainAfterTheNetworkPolicies_AllowAndDeny()
    {
        var banp = Banp("""
            {"subject":{"namespaces":{}},
             "ingress":[{"action":"Allow","from":[{"namespaces":{"matchLabels":{"house":"x"}}}]},
                        {"action":"Deny","from":[{"namespaces":{}}]}]}
            """);
        var r = Compile([], banp);
        Assert.Equal("banp", AdminId(banp));
        Assert.Equal(
        [
            "ip daddr @banp-pods ip saddr @banp-in0-pods counter name \"banp-in0-hits\" accept",
            "ip daddr @banp-pods ip saddr @banp-in1-pods meta l4proto { tcp, udp, sctp } update @banp-in1-log { ip saddr . ip daddr . meta l4proto . th dport } counter name \"banp-in1-hits\" log prefix \"banp-in1-hits\" group 2187 drop",
            "ip daddr @banp-pods ip saddr @banp-in1-pods counter name \"banp-in1-hits\" log prefix \"banp-in1-hits\" group 2187 drop",
        ], r.Chains[BaselineChain("ingress")]);
        Assert.Empty(r.Chains[AdminChain("ingress")]);
        Assert.Equal("jump banp-ingress", r.Chains[IngressChain][^1]);
    }

    [Fact]
    public void NamespaceLabelChange_OnlySetElementsChange()
    {
        var before = Compile([], DenyFromY, AllowA);
        var after = PolicyCompiler.Compile([], Pods, [Ns("x"), Ns("y", "house=y"), Ns("z", "house=x")], ["10.244.0.1"], [DenyFromY, AllowA]);
        Assert.All(before.Chains, c => Assert.Equal(c.Value, after.Chains[c.Key]));
        Assert.Equal(["10.244.0.30"], after.Sets[Targets(AdminId(DenyFromY))].Elements);
    }
}
