using System.Text.Json.Nodes;
using Podway.Proxy.Policy;
using Podway.Trace;

namespace Podway.Trace.Tests;

public sealed class PolicyEvaluatorTests
{
    static readonly Dictionary<string, IReadOnlyDictionary<string, string>> Namespaces = new()
    {
        ["shop"] = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "shop" },
        ["ingress-nginx"] = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "ingress-nginx" },
    };

    static PolicyPeer Pod(string ns, string name, string ip, string app, params NamedPort[] ports) =>
        new(ip, new PodView(ns, name, ip, new Dictionary<string, string> { ["app"] = app }, ports));

    static PolicyView Policy(string yaml) => PolicyView.From(JsonNode.Parse(yaml)!.AsObject());

    static readonly PolicyPeer Client = Pod("shop", "client", "10.244.0.8", "client");
    static readonly PolicyPeer Web = Pod("shop", "web", "10.244.0.6", "web", new NamedPort("http", "TCP", 80));

    [Fact]
    public void NoPolicySelects_Open()
    {
        var j = PolicyEvaluator.Judge("ingress", [], Web, Client, "TCP", 80, Namespaces);
        Assert.True(j.Allowed);
        Assert.Empty(j.Selecting);
    }

    [Fact]
    public void DefaultDeny_Dropped_NamesThePolicy()
    {
        var deny = Policy("""{"metadata":{"namespace":"shop","name":"deny"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}""");
        var j = PolicyEvaluator.Judge("ingress", [deny], Web, Client, "TCP", 80, Namespaces);
        Assert.False(j.Allowed);
        Assert.Equal(["shop/deny"], j.Selecting);
        Assert.Contains("default deny", j.Describe(Web));
    }

    [Fact]
    public void AllowFromPodOnNamedPort_AllowedByThatRule_OtherPortDropped()
    {
        var deny = Policy("""{"metadata":{"namespace":"shop","name":"deny"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}""");
        var allow = Policy("""
            {"metadata":{"namespace":"shop","name":"allow-client"},"spec":{"podSelector":{"matchLabels":{"app":"web"}},
             "ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"other"}}}]},{"from":[{"podSelector":{"matchLabels":{"app":"client"}}}],"ports":[{"port":"http"}]}]}}
            """);
        var j = PolicyEvaluator.Judge("ingress", [deny, allow], Web, Client, "TCP", 80, Namespaces);
        Assert.True(j.Allowed);
        Assert.Equal("shop/allow-client ingress rule 1", j.AllowedBy);
        Assert.False(PolicyEvaluator.Judge("ingress", [deny, allow], Web, Client, "TCP", 8080, Namespaces).Allowed);
        Assert.False(PolicyEvaluator.Judge("ingress", [deny, allow], Web, Client, "UDP", 80, Namespaces).Allowed);
    }

    [Fact]
    public void NamespaceSelectorAndPodSelectorInOnePeer_BothMustMatch()
    {
        var allow = Policy("""
            {"metadata":{"namespace":"shop","name":"from-edge"},"spec":{"podSelector":{},
             "ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}},"podSelector":{"matchLabels":{"app":"edge"}}}]}]}}
            """);
        var edge = Pod("ingress-nginx", "edge", "10.244.0.3", "edge");
        var impostor = Pod("shop", "edge", "10.244.0.4", "edge");
        Assert.True(PolicyEvaluator.Judge("ingress", [allow], Web, edge, "TCP", 80, Namespaces).Allowed);
        Assert.False(PolicyEvaluator.Judge("ingress", [allow], Web, impostor, "TCP", 80, Namespaces).Allowed);
    }

    [Fact]
    public void IpBlockWithExcept_HostAddressAdmittedOrNot()
    {
        var allow = Policy("""
            {"metadata":{"namespace":"shop","name":"from-host"},"spec":{"podSelector":{},
             "ingress":[{"from":[{"ipBlock":{"cidr":"10.250.0.0/24","except":["10.250.0.128/25"]}}],"ports":[{"port":79,"endPort":81}]}]}}
            """);
        Assert.True(PolicyEvaluator.Judge("ingress", [allow], Web, new PolicyPeer("10.250.0.1", null), "TCP", 80, Namespaces).Allowed);
        Assert.False(PolicyEvaluator.Judge("ingress", [allow], Web, new PolicyPeer("10.250.0.200", null), "TCP", 80, Namespaces).Allowed);
        Assert.False(PolicyEvaluator.Judge("ingress", [allow], Web, new PolicyPeer("10.250.0.1", null), "TCP", 82, Namespaces).Allowed);
    }

    [Fact]
    public void EgressPolicy_OnlyForTheSender_NamedPortResolvedOnTheDestination()
    {
        var egress = Policy("""
            {"metadata":{"namespace":"shop","name":"client-out"},"spec":{"podSelector":{"matchLabels":{"app":"client"}},"policyTypes":["Egress"],
             "egress":[{"to":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":"http"}]}]}}
            """);
        Assert.True(PolicyEvaluator.Judge("egress", [egress], Client, Web, "TCP", 80, Namespaces).Allowed);
        Assert.False(PolicyEvaluator.Judge("egress", [egress], Client, Pod("shop", "db", "10.244.0.9", "db"), "TCP", 80, Namespaces).Allowed);
        // Ingress of web is not what an egress-only policy of the client decides.
        Assert.True(PolicyEvaluator.Judge("ingress", [egress], Web, Client, "TCP", 80, Namespaces).Allowed);
    }
}
