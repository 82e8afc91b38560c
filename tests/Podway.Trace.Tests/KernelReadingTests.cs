using System.Text.Json.Nodes;
using Podway.Trace;

namespace Podway.Trace.Tests;

/// <summary>Parsing what the kernel says (nft -j output as nft 1.0.6 prints it, /proc/net/tcp, a DNS answer).</summary>
public sealed class KernelReadingTests
{
    const string Map = """
        {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"map": {"family": "ip", "name": "service-ips", "table": "podway-tr1-s04",
         "type": ["ipv4_addr", "inet_proto", "inet_service"], "map": "verdict",
         "elem": [[{"concat": ["10.101.171.2", "tcp", 80]}, {"goto": {"target": "service-452DNVGS-shop/web/tcp/"}}],
                  [{"elem": {"val": {"concat": ["10.250.0.129", "tcp", 443]}, "counter": {"packets": 0}}}, {"goto": {"target": "external-X"}}]]}}]}
        """;

    [Fact]
    public void FindVerdict_ElementByAddressProtoPort()
    {
        var listing = JsonNode.Parse(Map)!["nftables"]!.AsArray();
        Assert.Equal("goto:service-452DNVGS-shop/web/tcp/", NftPath.FindVerdict(listing, "10.101.171.2", "tcp", 80));
        Assert.Equal("goto:external-X", NftPath.FindVerdict(listing, "10.250.0.129", "tcp", 443));
        Assert.Null(NftPath.FindVerdict(listing, "10.101.171.2", "udp", 80));
        Assert.Null(NftPath.FindVerdict(listing, "10.101.171.2", "tcp", 81));
    }

    [Fact]
    public void ReadChain_DnatTargetsJumpsAndReject()
    {
        var chain = JsonNode.Parse("""
            {"nftables": [{"chain": {"name": "service-X"}},
             {"rule": {"expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.244.0.0", "len": 16}}}}, {"jump": {"target": "mark-for-masquerade"}}]}},
             {"rule": {"expr": [{"match": {"op": "==", "left": {"numgen": {"mode": "random", "mod": 2, "offset": 0}}, "right": 0}}, {"dnat": {"addr": "10.244.0.6", "port": 80}}]}},
             {"rule": {"expr": [{"dnat": {"addr": "10.244.0.7", "port": 80}}]}},
             {"rule": {"expr": [{"goto": {"target": "endpoint-Y"}}]}}]}
            """)!["nftables"]!.AsArray();
        var (next, dnat, final) = NftPath.ReadChain(chain);
        Assert.Equal(["10.244.0.6:80", "10.244.0.7:80"], dnat);
        Assert.Equal(["endpoint-Y"], next);
        Assert.Null(final);
        var reject = JsonNode.Parse("""{"nftables": [{"rule": {"expr": [{"reject": {"type": "tcp reset"}}]}}]}""")!["nftables"]!.AsArray();
        Assert.Equal("reject", NftPath.ReadChain(reject).Final);
    }

    [Fact]
    public void TableListing_VerdictFromTheNamedMap_RulesOfTheNamedChain()
    {
        // `nft -j list table`: every map and every chain's rules in one answer, each rule naming its chain.
        var table = JsonNode.Parse("""
            {"nftables": [{"metainfo": {"version": "1.0.6"}},
             {"map": {"name": "other", "elem": [[{"concat": ["10.96.0.9", "tcp", 80]}, {"goto": {"target": "wrong"}}]]}},
             {"map": {"name": "service-ips", "elem": [[{"concat": ["10.96.0.9", "tcp", 80]}, {"goto": {"target": "service-A"}}]]}},
             {"chain": {"name": "service-A"}}, {"chain": {"name": "endpoint-B"}},
             {"rule": {"chain": "service-A", "expr": [{"goto": {"target": "endpoint-B"}}]}},
             {"rule": {"chain": "endpoint-B", "expr": [{"dnat": {"addr": "10.244.0.6", "port": 8080}}]}},
             {"rule": {"chain": "service-Z", "expr": [{"reject": {"type": "tcp reset"}}]}}]}
            """)!["nftables"]!.AsArray();
        Assert.Equal("goto:service-A", NftPath.FindVerdict(table, "10.96.0.9", "tcp", 80, "service-ips"));
        Assert.Null(NftPath.FindVerdict(table, "10.96.0.9", "tcp", 80, "no-endpoint-services"));
        var service = NftPath.ReadChain(table, "service-A");
        Assert.Equal(["endpoint-B"], service.Next);
        Assert.Empty(service.Dnat);
        Assert.Null(service.Final);
        Assert.Equal(["10.244.0.6:8080"], NftPath.ReadChain(table, "endpoint-B").Dnat);
    }

    [Fact]
    public void DetailsJson_NestedListsAndMaps_WithoutReflection()
    {
        var node = DetailsJson.ToNode(new Dictionary<string, object?>
        {
            ["status"] = 200, ["ms"] = 1.5, ["ok"] = true, ["none"] = null, ["dnat"] = new List<string> { "10.244.0.6:80" },
            ["ports"] = new SortedSet<int> { 80, 8080 },
            ["endpoints"] = new List<Dictionary<string, object?>> { new() { ["address"] = "10.244.0.6", ["ready"] = false } },
            ["other"] = new Version(1, 2),
        })!;
        Assert.Equal("""{"status":200,"ms":1.5,"ok":true,"none":null,"dnat":["10.244.0.6:80"],"ports":[80,8080],"endpoints":[{"address":"10.244.0.6","ready":false}],"other":"1.2"}""",
            node.ToJsonString());
    }

    [Fact]
    public void ListeningPorts_OnlyListenState()
    {
        const string tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
               1: 0800F40A:0050 0800F40A:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1
               2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 100 0 0 10 0
            """;
        Assert.Equal([80, 8080], ListeningPorts.Parse(tcp));
    }

    [Fact]
    public void DnsParse_AnswerWithCompressedName_Addresses()
    {
        byte[] msg =
        [
            0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
            3, (byte)'w', (byte)'e', (byte)'b', 0, 0, 1, 0, 1,
            0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 7,
        ];
        var a = DnsLookup.Parse("web", msg, TimeSpan.Zero);
        Assert.Equal("NOERROR", a.RcodeText);
        Assert.Equal("10.96.0.7", Assert.Single(a.Addresses).ToString());
        msg[3] = 0x83;
        Assert.Equal("NXDOMAIN", DnsLookup.Parse("web", msg.AsSpan(0, 21), TimeSpan.Zero) with { Addresses = [] } is { } nx ? nx.RcodeText : "");
    }

    [Theory]
    [InlineData("shop.example.com", "shop.example.com", false, true)]
    [InlineData("*.example.com", "shop.example.com", false, true)]
    [InlineData("*.example.com", "a.b.example.com", false, false)]
    [InlineData("*.example.com", "a.b.example.com", true, true)]
    [InlineData("*.example.com", "example.com", true, false)]
    [InlineData(null, "example.com", false, false)]
    public void HostMatch_IngressAndGatewayWildcards(string? pattern, string host, bool anyLabels, bool claims) =>
        Assert.Equal(claims, HostMatch.Claims(pattern, host, anyLabels));
}
