using System.Net;
using System.Text.Json.Nodes;
using Podway.Node.Sandbox;

namespace Podway.Node.Tests.Sandbox;

public sealed class PodDnsTests
{
    const string HostResolv = "# generated\nnameserver 192.0.2.53\nsearch example.com. corp.local\noptions edns0 timeout:2\n";
    const string ClusterSearch = "search team-a.svc.cluster.local svc.cluster.local cluster.local example.com corp.local\n";

    static string Resolv(string podSpecJson) =>
        PodDns.ResolvConf(JsonNode.Parse(podSpecJson)!.AsObject(), "team-a", IPAddress.Parse("10.96.0.10"), "cluster.local", HostResolv);

    [Theory]
    [InlineData("{}", ClusterSearch + "nameserver 10.96.0.10\noptions ndots:5\n")]
    [InlineData("""{"dnsPolicy":"ClusterFirst"}""", ClusterSearch + "nameserver 10.96.0.10\noptions ndots:5\n")]
    [InlineData("""{"dnsPolicy":"ClusterFirstWithHostNet","hostNetwork":true}""", ClusterSearch + "nameserver 10.96.0.10\noptions ndots:5\n")]
    [InlineData("""{"dnsPolicy":"ClusterFirst","hostNetwork":true}""", "search example.com corp.local\nnameserver 192.0.2.53\noptions edns0 timeout:2\n")]
    [InlineData("""{"dnsPolicy":"Default"}""", "search example.com corp.local\nnameserver 192.0.2.53\noptions edns0 timeout:2\n")]
    [InlineData("""{"dnsPolicy":"None"}""", "")]
    // The example of the Kubernetes "DNS for Services and Pods" page.
    [InlineData("""{"dnsPolicy":"None","dnsConfig":{"nameservers":["192.0.2.1"],"searches":["ns1.svc.cluster-domain.example","my.dns.search.suffix"],"options":[{"name":"ndots","value":"2"},{"name":"edns0"}]}}""",
        "search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n")]
    [InlineData("""{"dnsConfig":{"nameservers":["10.96.0.10","1.1.1.1"],"searches":["cluster.local","extra.local"],"options":[{"name":"ndots","value":"1"},{"name":"single-request"}]}}""",
        "search team-a.svc.cluster.local svc.cluster.local cluster.local example.com corp.local extra.local\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:1 single-request\n")]
    [InlineData("""{"dnsPolicy":"Default","dnsConfig":{"options":[{"name":"timeout","value":"5"}]}}""",
        "search example.com corp.local\nnameserver 192.0.2.53\noptions edns0 timeout:5\n")]
    [InlineData("""{"dnsPolicy":"None","dnsConfig":{"nameservers":["192.0.2.1","192.0.2.2","192.0.2.3","192.0.2.4"]}}""",
        "nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\n")]
    public void ResolvConf_Policy_FormsWhatTheKubeletWrites(string podSpec, string expected) =>
        Assert.Equal(expected, Resolv(podSpec));

    static string ResolvWithNodeResolver(string podSpecJson) =>
        PodDns.ResolvConf(JsonNode.Parse(podSpecJson)!.AsObject(), "team-a", IPAddress.Parse("10.96.0.10"), "cluster.local",
            "nameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch example.com\noptions edns0\n", IPAddress.Parse("10.250.3.1"));

    // The host's nameservers (a loopback stub here) are unreachable from a Pod: the node resolver replaces them,
    // search and options stay the host's; Pods that ask the cluster DNS are unchanged.
    [Theory]
    [InlineData("""{"dnsPolicy":"Default"}""", "search example.com\nnameserver 10.250.3.1\noptions edns0\n")]
    [InlineData("""{"dnsPolicy":"ClusterFirst","hostNetwork":true}""", "search example.com\nnameserver 10.250.3.1\noptions edns0\n")]
    [InlineData("""{"dnsPolicy":"Default","dnsConfig":{"nameservers":["192.0.2.9"]}}""",
        "search example.com\nnameserver 10.250.3.1\nnameserver 192.0.2.9\noptions edns0\n")]
    [InlineData("{}", "search team-a.svc.cluster.local svc.cluster.local cluster.local example.com\nnameserver 10.96.0.10\noptions ndots:5\n")]
    [InlineData("""{"dnsPolicy":"None"}""", "")]
    public void ResolvConf_NodeResolver_ReplacesTheHostsNameservers(string podSpec, string expected) =>
        Assert.Equal(expected, ResolvWithNodeResolver(podSpec));

    [Fact]
    public void ResolvConf_MoreThan32SearchPaths_KeepsTheFirst32()
    {
        var searches = new JsonArray(Enumerable.Range(0, 40).Select(i => (JsonNode)$"s{i}.example").ToArray());
        var spec = new JsonObject { ["dnsPolicy"] = "None", ["dnsConfig"] = new JsonObject { ["searches"] = searches } };

        var line = PodDns.ResolvConf(spec, "x", IPAddress.Loopback, "cluster.local", "").Split('\n')[0];

        Assert.Equal("search " + string.Join(' ', Enumerable.Range(0, 32).Select(i => $"s{i}.example")), line);
    }
}
