using static Podway.Proxy.Tests.Objects;

namespace Podway.Proxy.Tests;

/// <summary>Packets traced through the fake's ruleset after a sync, as kube-proxy's proxier_test runs its tracer.</summary>
public sealed class TracerTests
{
    const string PodIp = "10.244.0.7";       // a Pod on this node (not an endpoint)
    const string ExternalClient = "203.0.113.9";
    const string NodeIp = "192.168.0.2";

    public sealed record Packet(string Name, string Source, string Dest, string Proto, int Port, string Verdict, string[] Endpoints, bool Masquerade);

    static async Task<ProxyHarness> ClusterAsync()
    {
        var h = new ProxyHarness();
        // web: two ready endpoints on two ports, NodePort 30007, externalIP and a LoadBalancer IP.
        h.Add(Service("shop", "web", "10.96.0.20", [new("http", 80, NodePort: 30007), new("metrics", 9090)], "LoadBalancer",
            s => s["externalIPs"] = new System.Text.Json.Nodes.JsonArray("198.51.100.1"), lbIngress: ["172.18.255.200"]));
        h.Add(Slice("shop", "web", "web-abc", [("http", 8080, "TCP"), ("metrics", 9091, "TCP")],
            [new("10.244.0.5"), new("10.244.1.6", Node: "node-b")]));
        // dns: UDP + TCP on the same port number.
        h.Add(Service("kube-system", "kube-dns", "10.96.0.10", [new("dns", 53, "UDP"), new("dns-tcp", 53, "TCP")]));
        h.Add(Slice("kube-system", "kube-dns", "kube-dns-1", [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP")], [new("10.244.0.3")]));
        // sctp
        h.Add(Service("ns", "sctp", "10.96.0.30", [new("s", 9999, "SCTP")]));
        h.Add(Slice("ns", "sctp", "sctp-1", [("s", 9999, "SCTP")], [new("10.244.0.8")]));
        // empty: no endpoints at all (also a NodePort).
        h.Add(Service("shop", "empty", "10.96.0.40", [new("", 80, NodePort: 30008)], "NodePort"));
        // terminating: only serving-terminating endpoints left.
        h.Add(Service("shop", "draining", "10.96.0.50", [new("", 80)]));
        h.Add(Slice("shop", "draining", "draining-1", [("", 80, "TCP")],
            [new("10.244.0.11", Ready: false, Serving: true, Terminating: true), new("10.244.0.12", Ready: false, Serving: false, Terminating: true)]));
        // local: externalTrafficPolicy Local with one local and one remote endpoint.
        h.Add(Service("shop", "local", "10.96.0.60", [new("", 80, NodePort: 30009)], "NodePort", s => s["externalTrafficPolicy"] = "Local"));
        h.Add(Slice("shop", "local", "local-1", [("", 80, "TCP")], [new("10.244.0.21"), new("10.244.1.22", Node: "node-b")]));
        // itp: internalTrafficPolicy Local with only a remote endpoint.
        h.Add(Service("shop", "itp", "10.96.0.70", [new("", 80)], spec: s => s["internalTrafficPolicy"] = "Local"));
        h.Add(Slice("shop", "itp", "itp-1", [("", 80, "TCP")], [new("10.244.1.31", Node: "node-b")]));
        // ExternalName and headless get no rules.
        h.Add(Service("shop", "ext", "", [new("", 80)], "ExternalName"));
        h.Add(Service("shop", "headless", "None", [new("", 80)]));
        await h.SyncAsync();
        return h;
    }

    public static TheoryData<Packet> Packets => new()
    {
        new("pod to ClusterIP reaches either endpoint, no masquerade", PodIp, "10.96.0.20", "tcp", 80, "ACCEPT", ["10.244.0.5:8080", "10.244.1.6:8080"], false),
        new("second port of a multi-port Service", PodIp, "10.96.0.20", "tcp", 9090, "ACCEPT", ["10.244.0.5:9091", "10.244.1.6:9091"], false),
        new("ClusterIP on a port it does not serve is rejected", PodIp, "10.96.0.20", "tcp", 81, "REJECT", [], false),
        new("unallocated Service IP is dropped", PodIp, "10.96.5.5", "tcp", 80, "DROP", [], false),
        new("node to ClusterIP is masqueraded", NodeIp, "10.96.0.20", "tcp", 80, "ACCEPT", ["10.244.0.5:8080", "10.244.1.6:8080"], true),
        new("hairpin: endpoint to its own Service is masqueraded", "10.244.0.3", "10.96.0.10", "udp", 53, "ACCEPT", ["10.244.0.3:53"], true),
        new("external client to NodePort is masqueraded", ExternalClient, NodeIp, "tcp", 30007, "ACCEPT", ["10.244.0.5:8080", "10.244.1.6:8080"], true),
        new("node to its own NodePort", NodeIp, NodeIp, "tcp", 30007, "ACCEPT", ["10.244.0.5:8080", "10.244.1.6:8080"], true),
        new("externalIP", ExternalClient, "198.51.100.1", "tcp", 80, "ACCEPT", ["10.244.0.5:8080", "10.244.1.6:8080"], true),
        new("LoadBalancer ingress IP", ExternalClient, "172.18.255.200", "tcp", 80, "ACCEPT", ["10.244.0.5:8080", "10.244.1.6:8080"], true),
        new("UDP DNS", PodIp, "10.96.0.10", "udp", 53, "ACCEPT", ["10.244.0.3:53"], false),
        new("TCP DNS on the same port", PodIp, "10.96.0.10", "tcp", 53, "ACCEPT", ["10.244.0.3:53"], false),
        new("SCTP", PodIp, "10.96.0.30", "sctp", 9999, "ACCEPT", ["10.244.0.8:9999"], false),
        new("Service without endpoints rejects", PodIp, "10.96.0.40", "tcp", 80, "REJECT", [], false),
        new("Service without endpoints rejects from the node", NodeIp, "10.96.0.40", "tcp", 80, "REJECT", [], false),
        new("NodePort without endpoints rejects", ExternalClient, NodeIp, "tcp", 30008, "REJECT", [], false),
        new("unknown NodePort is not ours", ExternalClient, NodeIp, "tcp", 31000, "ACCEPT", [], false),
        new("only serving-terminating endpoints are used when none is ready", PodIp, "10.96.0.50", "tcp", 80, "ACCEPT", ["10.244.0.11:80"], false),
        new("ETP Local: external traffic keeps its source and goes to local endpoints only", ExternalClient, NodeIp, "tcp", 30009, "ACCEPT", ["10.244.0.21:80"], false),
        new("ETP Local: ClusterIP still reaches every endpoint", PodIp, "10.96.0.60", "tcp", 80, "ACCEPT", ["10.244.0.21:80", "10.244.1.22:80"], false),
        new("ETP Local: pod to NodePort is short-circuited to all endpoints", PodIp, NodeIp, "tcp", 30009, "ACCEPT", ["10.244.0.21:80", "10.244.1.22:80"], false),
        new("ITP Local without a local endpoint drops", PodIp, "10.96.0.70", "tcp", 80, "DROP", [], false),
        new("headless Service has no rules", PodIp, "10.96.0.80", "tcp", 80, "DROP", [], false),
        new("traffic to a Pod IP is untouched", PodIp, "10.244.1.6", "tcp", 8080, "ACCEPT", [], false),
    };

    [Theory]
    [MemberData(nameof(Packets))]
    public async Task Trace_Packet_ReachesExpectedVerdict(Packet row)
    {
        var h = await ClusterAsync();
        var r = h.Trace(row.Source, row.Dest, row.Proto, row.Port);
        Assert.Equal(row.Verdict, r.Verdict);
        Assert.Equal(row.Endpoints.Order(), r.Endpoints.Order());
        Assert.Equal(row.Masquerade, r.Masquerade);
    }

    /// <summary>TCP is refused with a reset (the kernel does not rate-limit those), other protocols with ICMP.</summary>
    [Theory]
    [InlineData("Service without endpoints, TCP", "10.96.0.40", "tcp", 80, "tcp reset")]
    [InlineData("ClusterIP port it does not serve, TCP", "10.96.0.20", "tcp", 81, "tcp reset")]
    [InlineData("ClusterIP port it does not serve, UDP", "10.96.0.40", "udp", 80, "icmp port-unreachable")]
    [InlineData("ClusterIP port it does not serve, SCTP", "10.96.0.20", "sctp", 80, "icmp port-unreachable")]
    public async Task Trace_Rejected_TcpResetForTcpIcmpOtherwise(string why, string dest, string proto, int port, string expected)
    {
        var h = await ClusterAsync();
        var r = h.Trace(PodIp, dest, proto, port);
        Assert.True(r.Verdict == "REJECT", $"{why}: {r}");
        Assert.Equal(expected, r.RejectedWith);
    }

    [Theory]
    [InlineData("meta l4proto udp reject with tcp reset", true)]
    [InlineData("ip protocol sctp reject with tcp reset", true)]
    [InlineData("meta l4proto tcp reject with tcp reset", false)]
    [InlineData("reject with tcp reset", false)] // nft adds the tcp match itself
    [InlineData("reject", false)]
    public async Task FakeNftables_TcpResetRule_RefusedAfterAnotherProtocolAsTheKernelDoes(string rule, bool refused)
    {
        var fake = new Podway.Proxy.Nft.FakeNftables();
        var tx = new Podway.Proxy.Nft.NftTransaction("ip", "podway-t");
        tx.AddTable();
        tx.AddChain("c");
        tx.AddRule("c", rule);
        if (refused) await Assert.ThrowsAsync<Podway.Proxy.Nft.NftException>(() => fake.RunAsync(tx));
        else await fake.RunAsync(tx);
    }

    [Fact]
    public async Task Trace_SessionAffinity_SecondConnectionSticksToFirstEndpoint()
    {
        var h = new ProxyHarness();
        h.Add(Service("ns", "sticky", "10.96.0.90", [new("", 80)], spec: s =>
        {
            s["sessionAffinity"] = "ClientIP";
            s["sessionAffinityConfig"] = new System.Text.Json.Nodes.JsonObject { ["clientIP"] = new System.Text.Json.Nodes.JsonObject { ["timeoutSeconds"] = 60 } };
        }));
        h.Add(Slice("ns", "sticky", "s1", [("", 80, "TCP")], [new("10.244.0.5"), new("10.244.0.6")]));
        await h.SyncAsync();
        var tracer = h.Tracer();
        var first = tracer.Trace(PodIp, "10.96.0.90", "tcp", 80);
        Assert.Equal(2, first.Endpoints.Count); // a fresh client may land on either endpoint
        var second = tracer.Trace(PodIp, "10.96.0.90", "tcp", 80);
        Assert.Single(second.Endpoints); // the affinity set now sends it straight to one endpoint
        var affinity = h.ShardOf("ns/sticky").Sets.Values.Where(s => s.Name.StartsWith("affinity-")).ToList();
        Assert.Equal(2, affinity.Count); // one per endpoint, as kube-proxy's nftables mode
        Assert.All(affinity, s => Assert.Equal(60, s.TimeoutSeconds));
    }

    [Fact]
    public async Task Trace_TwoTablesDnatSameAddress_FirstNatChainByPriorityWins()
    {
        var fake = new Nft.FakeNftables();
        var tx = new Nft.NftTransaction("ip", "late");
        foreach (var (table, priority, endpoint) in new[] { ("late", -70, "10.244.0.6"), ("early", -80, "10.244.0.5") })
        {
            var t = tx.On(table);
            t.AddTable();
            t.AddChain("pre", new Nft.BaseChain("nat", "prerouting", priority));
            t.AddRule("pre", $"ip daddr 10.96.9.9 tcp dport 80 dnat to {endpoint}:8080");
        }
        // A filter chain at -90 runs after nf_nat's hook (-100): it sees the endpoint, not the Service address.
        var guard = tx.On("guard");
        guard.AddTable();
        guard.AddChain("guard", new Nft.BaseChain("filter", "prerouting", -90));
        guard.AddRule("guard", "ip daddr 10.96.9.9 drop");
        await fake.RunAsync(tx);
        var r = new Nft.NftTracer(fake.Tables.Values, []).Trace(PodIp, "10.96.9.9", "tcp", 80);
        Assert.Equal("ACCEPT", r.Verdict);
        Assert.Equal(["10.244.0.5:8080"], r.Endpoints);
    }
}
