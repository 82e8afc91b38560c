using System.Net.Http;
using Podway.Proxy.Nft;
using Podway.Proxy.Tracking;
using static Podway.Proxy.Tests.Objects;

namespace Podway.Proxy.Tests;

public sealed class SyncTests
{
    static ProxyHarness Cluster(int services)
    {
        var h = new ProxyHarness();
        for (var i = 0; i < services; i++)
        {
            h.Add(Service($"ns{i % 3}", $"svc{i}", $"10.96.1.{i}", [new("http", 80, NodePort: i % 4 == 0 ? 30100 + i : 0)], i % 4 == 0 ? "NodePort" : "ClusterIP"));
            h.Add(Slice($"ns{i % 3}", $"svc{i}", $"svc{i}-1", [("http", 8080, "TCP")], [new($"10.244.0.{i + 1}"), new($"10.244.1.{i + 1}", Node: "node-b")]));
        }
        return h;
    }

    [Fact]
    public async Task SyncAsync_FirstSync_IsFull()
    {
        var h = Cluster(5);
        Assert.True((await h.SyncAsync()).Full);
        Assert.False((await h.SyncAsync()).Full);
    }

    [Fact]
    public async Task SyncAsync_NothingChanged_SendsNothing()
    {
        var h = Cluster(5);
        await h.SyncAsync();
        Assert.Equal(0, (await h.SyncAsync()).Operations);
    }

    public sealed record Change(string Name, Action<ProxyHarness> Apply, int MaxOperations);

    public static TheoryData<Change> Changes => new()
    {
        new("one Service added", h => { h.Add(Service("ns0", "new", "10.96.2.1", [new("", 80)])); h.Add(Slice("ns0", "new", "new-1", [("", 80, "TCP")], [new("10.244.5.1")])); }, 12),
        new("one endpoint added", h => h.Add(Slice("ns1", "svc1", "svc1-1", [("http", 8080, "TCP")], [new("10.244.0.2"), new("10.244.1.2", Node: "node-b"), new("10.244.9.9")])), 12),
        new("one Service deleted", h => h.Remove(Service("ns2", "svc2", "10.96.1.2", [new("http", 80)])), 12),
        new("all endpoints of a NodePort Service gone", h => h.Remove(Slice("ns0", "svc0", "svc0-1", [], [])), 16),
        new("Service becomes NodePort", h => h.Add(Service("ns1", "svc1", "10.96.1.1", [new("http", 80, NodePort: 30999)], "NodePort")), 12),
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task PartialSync_OneChange_FewOperationsAndSameRulesetAsFullSync(Change change)
    {
        var partial = Cluster(40);
        await partial.SyncAsync();
        change.Apply(partial);
        var result = await partial.SyncAsync();
        Assert.False(result.Full);
        Assert.InRange(result.Operations, 1, change.MaxOperations);

        // The same final state, rendered by one full sync, must give the identical ruleset.
        var full = Cluster(40);
        change.Apply(full);
        await full.SyncAsync();
        Assert.Equal(full.Dump(), partial.Dump());
    }

    [Fact]
    public async Task PartialSync_ServiceSharingEndpointsDeleted_OtherServiceKeepsHairpin()
    {
        var h = Cluster(3);
        h.Add(Service("ns1", "twin", "10.96.2.9", [new("http", 80)]));
        h.Add(Slice("ns1", "twin", "twin-1", [("http", 8080, "TCP")], [new("10.244.0.2"), new("10.244.1.2", Node: "node-b")]));
        await h.SyncAsync();

        h.Remove(Service("ns1", "svc1", "10.96.1.1", [new("http", 80)]));
        h.Remove(Slice("ns1", "svc1", "svc1-1", [], []));
        Assert.False((await h.SyncAsync()).Full);

        Assert.True(h.Trace("10.244.1.2", "10.96.2.9", "tcp", 80).Masquerade); // the cascade's last endpoint: the traced path
        Assert.False(h.Trace("10.244.0.3", "10.96.2.9", "tcp", 80).Masquerade);
    }

    [Fact]
    public async Task SyncAsync_NftFails_NextSyncIsFullAndConverges()
    {
        var h = Cluster(3);
        await h.SyncAsync();
        h.Add(Service("ns0", "late", "10.96.3.3", [new("", 80)]));
        h.Fake!.FailNext = "Error: Could not process rule: Cannot allocate memory";
        await Assert.ThrowsAsync<NftException>(h.SyncAsync);
        var retry = await h.SyncAsync();
        Assert.True(retry.Full);
        Assert.Equal("REJECT", h.Trace("10.244.0.9", "10.96.3.3", "tcp", 80).Verdict);
    }

    [Fact]
    public async Task SyncAsync_UdpEndpointGone_FlushesItsConntrackEntries()
    {
        var h = new ProxyHarness();
        h.Add(Service("kube-system", "dns", "10.96.0.10", [new("dns", 53, "UDP", NodePort: 0)]));
        h.Add(Slice("kube-system", "dns", "dns-1", [("dns", 53, "UDP")], [new("10.244.0.3"), new("10.244.0.4")]));
        await h.SyncAsync();
        h.Add(Slice("kube-system", "dns", "dns-1", [("dns", 53, "UDP")], [new("10.244.0.4")]));
        await h.SyncAsync();
        Assert.Equal(["nat 10.96.0.10 -> 10.244.0.3"], h.Conntrack.Calls);
    }

    [Fact]
    public async Task PartialSync_NftFails_RetryStillFlushesGoneUdpEndpoint()
    {
        var h = new ProxyHarness();
        h.Add(Service("kube-system", "dns", "10.96.0.10", [new("dns", 53, "UDP", NodePort: 0)]));
        h.Add(Slice("kube-system", "dns", "dns-1", [("dns", 53, "UDP")], [new("10.244.0.3"), new("10.244.0.4")]));
        await h.SyncAsync();
        h.Add(Slice("kube-system", "dns", "dns-1", [("dns", 53, "UDP")], [new("10.244.0.4")]));
        h.Fake!.FailNext = "Error: Could not process rule: Cannot allocate memory";
        await Assert.ThrowsAsync<NftException>(h.SyncAsync);
        Assert.Empty(h.Conntrack.Calls);
        Assert.True((await h.SyncAsync()).Full);
        Assert.Equal(["nat 10.96.0.10 -> 10.244.0.3"], h.Conntrack.Calls);
        Assert.Equal("ACCEPT", h.Trace("10.244.0.9", "10.96.0.10", "udp", 53).Verdict);
    }

    [Fact]
    public async Task SyncAsync_ExternalTrafficPolicyLocal_ReportsLocalEndpointsForHealthCheck()
    {
        var h = new ProxyHarness();
        h.Add(Service("shop", "lb", "10.96.0.60", [new("", 80, NodePort: 30009)], "NodePort", s =>
        {
            s["externalTrafficPolicy"] = "Local";
            s["healthCheckNodePort"] = 32000;
        }));
        h.Add(Slice("shop", "lb", "lb-1", [("", 80, "TCP")], [new("10.244.0.21"), new("10.244.1.22", Node: "node-b")]));
        await h.SyncAsync();
        Assert.Equal(("shop/lb", 1), h.Proxier.HealthChecks[32000]);
    }

    [Fact]
    public async Task FullSync_Tables_AreTheClustersOwnAndHaveKubeProxyStructure()
    {
        var h = Cluster(1);
        await h.SyncAsync();
        Assert.Equal(["podway-test", .. Enumerable.Range(0, 16).Select(i => $"podway-test-s{i:D2}")],
            h.Fake!.Tables.Values.Select(t => $"{t.Name}").Order(StringComparer.Ordinal));
        Assert.All(h.Fake.Tables.Values, t => Assert.Equal("ip", t.Family));
        var main = h.Table;
        foreach (var map in new[] { "no-endpoint-services", "no-endpoint-nodeports", "cluster-ips", "nodeport-ips", "firewall-ips", "hairpin-endpoints" })
            Assert.Contains(map, main.Sets.Keys);
        Assert.DoesNotContain(main.Chains.Values, c => c.Hook?.Type == "nat" && c.Hook.Hook != "postrouting");
        Assert.Equal(new BaseChain("nat", "postrouting", 100), main.Chains["nat-postrouting"].Hook);

        var shard = h.ShardOf("ns0/svc0");
        Assert.Equal("goto service-", shard.Sets["service-ips"].Elements["10.96.1.0 . tcp . 80"]![..13]);
        Assert.Equal(["jump services"], shard.Chains["nat-prerouting"].Rules);
        Assert.DoesNotContain(shard.Chains.Values, c => c.Hook?.Type == "filter");
        // Every shard's nat chains have their own priority, so the kernel runs them in one fixed order.
        var priorities = h.Tables.Where(t => t.Name != "podway-test").Select(t => t.Chains["nat-output"].Hook!.Priority).ToList();
        Assert.Equal(priorities.Distinct().Count(), priorities.Count);
    }

    [Fact]
    public async Task FullSync_ShardsOfAnotherCount_AreDeletedAndOtherTablesKept()
    {
        var fake = new FakeNftables();
        var before = new ProxyHarness(fake, ProxyHarness.Node with { Shards = 4 });
        before.Add(Service("ns0", "web", "10.96.1.1", [new("http", 80)]));
        await before.SyncAsync();
        var foreign = new NftTransaction("ip", "podway-testx-s03");
        foreign.AddTable();
        foreign.On("podway-test-s77").AddTable(); // as if an earlier version ran 78 shards
        await fake.RunAsync(foreign);

        var after = new ProxyHarness(fake, ProxyHarness.Node with { Shards = 2 });
        after.Add(Service("ns0", "web", "10.96.1.1", [new("http", 80)]));
        Assert.True((await after.SyncAsync()).Full);
        Assert.Equal(["podway-test", "podway-test-s00", "podway-test-s01", "podway-testx-s03"], fake.Tables.Values.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("REJECT", after.Trace("10.244.0.9", "10.96.1.1", "tcp", 80).Verdict);
    }

    [Fact]
    public async Task PartialSync_OneService_ChangesOnlyItsShardAndTheMainTable()
    {
        var h = Cluster(40);
        await h.SyncAsync();
        h.Add(Slice("ns1", "svc1", "svc1-1", [("http", 8080, "TCP")], [new("10.244.0.2"), new("10.244.9.9")]));
        await h.SyncAsync();
        var touched = h.Proxier.LastScript.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[3]).ToHashSet();
        Assert.Equal(new HashSet<string> { "podway-test", h.Proxier.Layout.ShardTableOf("ns1/svc1") }, touched);
    }

    [Fact]
    public async Task PartialSync_ExternalIpOwnerInOtherShardDeleted_HeirInItsShardTakesOver()
    {
        var layout = new Rules.TableLayout("podway-test", 16);
        var second = Enumerable.Range(0, 100).Select(i => $"b{i}").First(n => layout.ShardOf($"ns/{n}") != layout.ShardOf("ns/a"));
        static System.Text.Json.Nodes.JsonObject WithIp(string name, string ip) =>
            Service("ns", name, ip, [new("", 80)], spec: s => s["externalIPs"] = new System.Text.Json.Nodes.JsonArray("198.51.100.7"));
        var h = new ProxyHarness();
        h.Add(WithIp("a", "10.96.4.1")).Add(Slice("ns", "a", "a-1", [("", 80, "TCP")], [new("10.244.0.5")]));
        h.Add(WithIp(second, "10.96.4.2")).Add(Slice("ns", second, $"{second}-1", [("", 80, "TCP")], [new("10.244.0.6")]));
        await h.SyncAsync();
        Assert.Equal(["10.244.0.5:80"], h.Trace("203.0.113.9", "198.51.100.7", "tcp", 80).Endpoints);

        h.Remove(WithIp("a", "10.96.4.1")).Remove(Slice("ns", "a", "a-1", [], []));
        Assert.False((await h.SyncAsync()).Full);
        Assert.Equal(["10.244.0.6:80"], h.Trace("203.0.113.9", "198.51.100.7", "tcp", 80).Endpoints);
        var full = new ProxyHarness();
        full.Add(WithIp(second, "10.96.4.2")).Add(Slice("ns", second, $"{second}-1", [("", 80, "TCP")], [new("10.244.0.6")]));
        await full.SyncAsync();
        Assert.Equal(full.Dump(), h.Dump());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Proxier_ShardCountOutOfRange_ClearError(int shards)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ProxyHarness(node: ProxyHarness.Node with { Shards = shards }));
        Assert.Contains("shard count must be 1..99", e.Message);
    }
}

public sealed class FakeNftablesTests
{
    public sealed record Refusal(string Name, string Script);

    public static TheoryData<Refusal> Refusals => new()
    {
        new("rule in a missing chain", "add rule ip t nope accept"),
        new("jump to a missing chain", "add chain ip t a\nadd rule ip t a jump b"),
        new("delete a chain with rules", "add chain ip t a\nadd rule ip t a accept\ndelete chain ip t a"),
        new("delete a referenced chain", "add chain ip t a\nadd chain ip t b\nadd rule ip t a jump b\nflush chain ip t b\ndelete chain ip t b"),
        new("delete a missing element", "add set ip t s { type ipv4_addr ; }\ndelete element ip t s { 1.2.3.4 }"),
        new("map key re-added with another verdict", "add chain ip t a\nadd map ip t m { type inet_proto . inet_service : verdict ; }\nadd element ip t m { tcp . 80 : goto a }\nadd element ip t m { tcp . 80 : drop }"),
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RunAsync_WhatTheKernelRefuses_FailsAndAppliesNothing(Refusal row)
    {
        var fake = new FakeNftables();
        var tx = new NftTransaction("ip", "t");
        tx.AddTable();
        tx.AddChain("keep");
        await fake.RunAsync(tx);
        var bad = new ScriptTransaction(row.Script);
        await Assert.ThrowsAsync<NftException>(() => fake.RunAsync(bad.Tx));
        Assert.Equal(["keep"], fake.Table("ip", "t")!.Chains.Keys);
    }

    [Fact]
    public void Transaction_InvalidName_KeepsFirstErrorAndStops()
    {
        var tx = new NftTransaction("ip", "t");
        tx.AddChain("ok");
        tx.AddChain("bad name");
        tx.AddChain("also-ok");
        Assert.Equal("invalid nftables object name \"bad name\"", tx.Error);
        Assert.Equal("add chain ip t ok\n", tx.Script);
    }

    /// <summary>Wraps raw script lines (as a test would type them) into a transaction.</summary>
    sealed class ScriptTransaction
    {
        public NftTransaction Tx { get; } = new("ip", "t");
        public ScriptTransaction(string script)
        {
            foreach (var line in script.Split('\n'))
            {
                var parts = line.Split(' ', 5);
                var rest = parts.Length > 4 ? parts[4] : "";
                switch (parts[0], parts[1])
                {
                    case ("add", "chain"): Tx.AddChain(rest); break;
                    case ("add", "rule"): { var sp = rest.IndexOf(' '); Tx.AddRule(rest[..sp], rest[(sp + 1)..]); break; }
                    case ("flush", "chain"): Tx.FlushChain(rest); break;
                    case ("delete", "chain"): Tx.DeleteChain(rest); break;
                    case ("add", "set") or ("add", "map"):
                    {
                        var sp = rest.IndexOf(' ');
                        var type = rest[(sp + 1)..].Trim('{', '}', ' ').Replace("type ", "").TrimEnd(';', ' ');
                        Tx.AddSet(rest[..sp], type, parts[1] == "map");
                        break;
                    }
                    case ("add", "element"):
                    {
                        var sp = rest.IndexOf(' ');
                        var inner = rest[(sp + 1)..].Trim('{', '}', ' ');
                        var colon = inner.IndexOf(" : ", StringComparison.Ordinal);
                        if (colon > 0) Tx.AddElement(rest[..sp], inner[..colon], inner[(colon + 3)..]); else Tx.AddElement(rest[..sp], inner);
                        break;
                    }
                    case ("delete", "element"): { var sp = rest.IndexOf(' '); Tx.DeleteElement(rest[..sp], rest[(sp + 1)..].Trim('{', '}', ' ')); break; }
                }
            }
        }
    }
}

public sealed class EndpointsChangeTrackerTests
{
    [Fact]
    public void Update_TriggerTimeAfterStart_IsReportedOnce()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var tracker = new EndpointsChangeTracker(start);
        var t = DateTimeOffset.UtcNow.AddSeconds(-2);
        Assert.True(tracker.Update(Slice("ns", "web", "web-1", [("", 80, "TCP")], [new("10.244.0.5")], trigger: t), removed: false));
        var (changed, times, _) = tracker.TakeChanges();
        Assert.Equal(["ns/web"], changed);
        Assert.Equal(t.ToUnixTimeSeconds(), Assert.Single(times).ToUnixTimeSeconds());
        Assert.Empty(tracker.TakeChanges().TriggerTimes);
    }

    [Fact]
    public void Update_TriggerTimeBeforeStart_IsIgnored()
    {
        var tracker = new EndpointsChangeTracker(DateTimeOffset.UtcNow);
        tracker.Update(Slice("ns", "web", "web-1", [("", 80, "TCP")], [new("10.244.0.5")], trigger: DateTimeOffset.UtcNow.AddHours(-1)), removed: false);
        Assert.Empty(tracker.TakeChanges().TriggerTimes);
    }

    [Fact]
    public void Update_SameSliceTwice_SecondIsNoChange()
    {
        var tracker = new EndpointsChangeTracker(DateTimeOffset.UtcNow);
        Assert.True(tracker.Update(Slice("ns", "web", "web-1", [("", 80, "TCP")], [new("10.244.0.5")]), removed: false));
        Assert.False(tracker.Update(Slice("ns", "web", "web-1", [("", 80, "TCP")], [new("10.244.0.5")]), removed: false));
    }
}

public sealed class HealthCheckServerTests
{
    [Theory]
    [InlineData(2, 200)]
    [InlineData(0, 503)]
    public async Task Get_LocalEndpoints_AnswersKubeProxyJson(int local, int status)
    {
        await using var servers = new HealthCheckServers(System.Net.IPAddress.Loopback, null);
        var port = FreePort();
        await servers.SyncAsync(new Dictionary<int, (string, int)> { [port] = ("shop/lb", local) });
        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal(status, (int)response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("shop", (string?)body["service"]!["namespace"]);
        Assert.Equal("lb", (string?)body["service"]!["name"]);
        Assert.Equal(local, (int)body["localEndpoints"]!);
        Assert.True((bool)body["serviceProxyHealthy"]!);
        Assert.Equal(local.ToString(), response.Headers.GetValues("X-Load-Balancing-Endpoints").Single());
    }

    static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}

public sealed class MetricsTests
{
    [Fact]
    public void Render_AfterObservations_PrometheusHistograms()
    {
        var m = new Metrics.ProxyMetrics();
        m.SyncProxyRulesDuration.Observe(0.003);
        m.NetworkProgrammingDuration.Observe(0.4);
        var text = m.Render();
        Assert.Contains("# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram", text);
        Assert.Contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 1", text);
        Assert.Contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.002\"} 0", text);
        Assert.Contains("kubeproxy_network_programming_duration_seconds_bucket{le=\"0.5\"} 1", text);
        Assert.Contains("kubeproxy_network_programming_duration_seconds_count 1", text);
    }
}
