using System.Net;
using System.Text.Json.Nodes;
using Podway.Node.Kubelet;

namespace Podway.Node.Tests.Kubelet;

public sealed class KubeletRulesTests
{
    [Theory]
    [InlineData("$(A)-$(B)", "1-2")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$$$(A)", "$1")]
    [InlineData("a$b", "a$b")]
    [InlineData("$(A", "$(A")]
    [InlineData("trailing$", "trailing$")]
    public void Expand_KubernetesSyntax_MatchesKubelet(string input, string expected) =>
        Assert.Equal(expected, VarExpansion.Expand(input, k => k switch { "A" => "1", "B" => "2", _ => null }));

    [Fact]
    public void CrashLoopBackOff_RepeatedCrashes_FirstRestartImmediateThenDoublingToMax()
    {
        var backOff = new CrashLoopBackOff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300));
        var key = CrashLoopBackOff.Key("uid", "c");
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.False(backOff.IsInBackOffSince(key, t, t));
        var delays = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            backOff.Next(key, t);
            delays.Add(CrashLoopBackOff.Format(backOff.Get(key)));
            t += backOff.Get(key) + TimeSpan.FromSeconds(1);
        }
        Assert.Equal(["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"], delays);
        Assert.True(backOff.IsInBackOffSince(key, t, t + TimeSpan.FromSeconds(299)));
        Assert.False(backOff.IsInBackOffSince(key, t + TimeSpan.FromMinutes(11), t + TimeSpan.FromMinutes(11)), "forgotten after 2*max");
    }

    public sealed record DnsCase(string Policy, string DnsConfig, string Expected);

    public static TheoryData<DnsCase> DnsCases() =>
    [
        new("ClusterFirst", "", "search team.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n"),
        new("Default", "", "search corp.example\nnameserver 192.168.1.1\noptions edns0\n"),
        new("None", ""","dnsConfig":{"nameservers":["1.1.1.1"],"searches":["a.b"],"options":[{"name":"ndots","value":"2"}]}""", "search a.b\nnameserver 1.1.1.1\noptions ndots:2\n"),
    ];

    [Theory]
    [MemberData(nameof(DnsCases))]
    public void ResolvConf_DnsPolicy_FollowsKubelet(DnsCase c)
    {
        var pod = JsonNode.Parse($$$"""{"metadata":{"name":"p","namespace":"team"},"spec":{"dnsPolicy":"{{{c.Policy}}}"{{{c.DnsConfig}}}}}""")!.AsObject();
        var node = new NodeIdentity
        {
            ClusterName = "t", NodeName = "n", Index = 0, NodeIp = IPAddress.Loopback, HostIp = IPAddress.Loopback,
            NodeNetworkPrefix = 24, PodCidr = "10.244.0.0/24", ClusterPodCidr = "10.244.0.0/16", StateDir = "/nonexistent",
        };
        Assert.Equal(c.Expected, PodDnsConfig.ResolvConf(pod, node, "nameserver 192.168.1.1\nsearch corp.example\noptions edns0\n"));
    }
}
