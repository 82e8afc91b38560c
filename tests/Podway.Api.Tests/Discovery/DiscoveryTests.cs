using System.Text.Json.Nodes;
using Podway.Api.Discovery;
using Podway.Api.Resources;
using Disco = Podway.Api.Discovery.Discovery;

namespace Podway.Api.Tests.Discovery;

public sealed class DiscoveryTests
{
    static IEnumerable<JsonNode> Resources(JsonObject list) =>
        list["items"]!.AsArray().SelectMany(g => g!["versions"]!.AsArray()).SelectMany(v => v!["resources"]!.AsArray())!;

    [Theory]
    [InlineData("v2")]
    [InlineData("v2beta1")]
    public void Aggregated_EveryResourceAndSubresource_HasResponseKind(string version)
    {
        var all = Resources(Disco.AggregatedCore(version)).Concat(Resources(Disco.AggregatedGroups(version))).ToList();
        Assert.Equal(BuiltinResources.AllTypes.Count + 2, all.Count); // + metrics.k8s.io nodes and pods
        Assert.All(all, r => Assert.NotNull(r["responseKind"]?["kind"]));
        Assert.All(all.SelectMany(r => r["subresources"]?.AsArray() ?? []), s => Assert.NotNull(s!["responseKind"]?["kind"]));
        Assert.Equal($"apidiscovery.k8s.io/{version}", (string?)Disco.AggregatedGroups(version)["apiVersion"]);
    }

    [Theory]
    [InlineData("po", "pods")]
    [InlineData("svc", "services")]
    [InlineData("ep", "endpoints")]
    [InlineData("deploy", "deployments")]
    [InlineData("rs", "replicasets")]
    [InlineData("ing", "ingresses")]
    [InlineData("netpol", "networkpolicies")]
    [InlineData("ns", "namespaces")]
    [InlineData("no", "nodes")]
    [InlineData("ev", "events")]
    public void Aggregated_ShortName_ResolvesToResource(string shortName, string plural)
    {
        var all = Resources(Disco.AggregatedCore("v2")).Concat(Resources(Disco.AggregatedGroups("v2")));
        Assert.Contains(all, r => (string?)r["resource"] == plural && r["shortNames"]!.AsArray().Any(s => (string?)s == shortName));
    }

    [Theory]
    [InlineData("pods", "exec", "", "PodExecOptions")]
    [InlineData("pods", "attach", "", "PodAttachOptions")]
    [InlineData("pods", "portforward", "", "PodPortForwardOptions")]
    [InlineData("pods", "log", "", "Pod")]
    [InlineData("pods", "eviction", "policy", "Eviction")]
    [InlineData("pods", "binding", "", "Binding")]
    [InlineData("nodes", "proxy", "", "NodeProxyOptions")]
    [InlineData("services", "proxy", "", "ServiceProxyOptions")]
    [InlineData("namespaces", "finalize", "", "Namespace")]
    [InlineData("deployments", "scale", "autoscaling", "Scale")]
    [InlineData("deployments", "status", "apps", "Deployment")]
    public void Aggregated_Subresource_HasKubeResponseKind(string plural, string sub, string group, string kind)
    {
        var all = Resources(Disco.AggregatedCore("v2")).Concat(Resources(Disco.AggregatedGroups("v2")));
        var subresource = all.Single(r => (string?)r["resource"] == plural && (string?)r["responseKind"]!["group"] != MetricsGroup.Group)["subresources"]!.AsArray().Single(s => (string?)s!["subresource"] == sub)!;
        Assert.Equal((group, kind), ((string?)subresource["responseKind"]!["group"], (string?)subresource["responseKind"]!["kind"]));
    }

    [Fact]
    public void MetricsGroup_IsListedAsMetricsServerServesIt_GetAndListOnly()
    {
        var metrics = Disco.AggregatedGroups("v2")["items"]!.AsArray().Single(g => (string?)g!["metadata"]!["name"] == "metrics.k8s.io")!;
        var resources = metrics["versions"]![0]!["resources"]!.AsArray();
        Assert.Equal(["nodes:NodeMetrics:Cluster", "pods:PodMetrics:Namespaced"],
            resources.Select(r => $"{r!["resource"]}:{r["responseKind"]!["kind"]}:{r["scope"]}"));
        Assert.All(resources, r => Assert.Equal(["get", "list"], r!["verbs"]!.AsArray().Select(v => (string)v!)));
        Assert.Contains(Disco.ApiGroupList()["groups"]!.AsArray(), g => (string?)g!["name"] == "metrics.k8s.io");
        Assert.Equal("metrics.k8s.io/v1beta1", (string?)Disco.ResourceList("metrics.k8s.io", "v1beta1")!["groupVersion"]);
        Assert.Null(Disco.ResourceList("metrics.k8s.io", "v1"));
    }

    [Fact]
    public void AggregatedGroups_GatewayGroup_PrefersV1AndListsScopeAndCategories()
    {
        var groups = Disco.AggregatedGroups("v2")["items"]!.AsArray();
        Assert.Equal("apps", (string?)groups[0]!["metadata"]!["name"]);
        var gateway = groups.Single(g => (string?)g!["metadata"]!["name"] == "gateway.networking.k8s.io")!;
        Assert.Equal(["v1", "v1beta1", "v1alpha2"], gateway["versions"]!.AsArray().Select(v => (string)v!["version"]!));
        var alpha = Disco.ResourceList("gateway.networking.k8s.io", "v1alpha2")!["resources"]!.AsArray().Select(r => (string)r!["name"]!).ToList();
        Assert.Equal(["tcproutes", "tcproutes/status", "tlsroutes", "tlsroutes/status", "udproutes", "udproutes/status"], alpha.Order());
        var deployments = Resources(Disco.AggregatedGroups("v2")).Single(r => (string?)r["resource"] == "deployments");
        Assert.Equal(("Namespaced", "all", "Current"), ((string?)deployments["scope"], (string?)deployments["categories"]![0],
            (string?)groups[0]!["versions"]![0]!["freshness"]));
    }

    [Fact]
    public void ResourceList_CoreV1_ListsSubresourceEntriesAndHashes()
    {
        var list = Disco.ResourceList("", "v1")!;
        var names = list["resources"]!.AsArray().Select(r => (string)r!["name"]!).ToList();
        Assert.Contains("pods/log", names);
        Assert.Contains("pods/exec", names);
        var eviction = list["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pods/eviction")!;
        Assert.Equal(("policy", "v1", "Eviction"), ((string?)eviction["group"], (string?)eviction["version"], (string?)eviction["kind"]));
        var pods = list["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pods")!;
        Assert.Equal(Disco.StorageVersionHash("", "v1", "Pod"), (string?)pods["storageVersionHash"]);
        Assert.Null(Disco.ResourceList("apps", "v1beta9"));
    }

    [Fact]
    public void StorageVersionHash_Deployment_MatchesKubeApiserver() =>
        // The value a real kube-apiserver reports for apps/v1 deployments.
        Assert.Equal("8aSe+NMegvE=", Disco.StorageVersionHash("apps", "v1", "Deployment"));

    [Fact]
    public void ApiGroupList_NamespacesVerbs_HaveNoDeleteCollection()
    {
        Assert.Contains(Disco.ApiGroupList()["groups"]!.AsArray(), g => (string?)g!["preferredVersion"]!["groupVersion"] == "networking.k8s.io/v1");
        var ns = Disco.ResourceList("", "v1")!["resources"]!.AsArray().Single(r => (string?)r!["name"] == "namespaces")!;
        Assert.DoesNotContain("deletecollection", ns["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["v1"], Disco.ApiVersions("10.0.0.1:6443")["versions"]!.AsArray().Select(v => (string)v!));
    }
}
