using Podway.Dns.Server;
using Podway.Dns.Wire;
using Podway.Dns.Zone;

namespace Podway.Dns.Tests;

/// <summary>The Kubernetes DNS specification 1.1.0 as a table of (question, expected answer), CoreDNS style.</summary>
public sealed class ZoneQueryTests
{
    const int NoError = 0, NXDomain = 3;
    static readonly ClusterZone Zone = TestObjects.Zone();

    public sealed record Row(string Name, ushort Type, int Rcode, string[] Answers, string Why)
    {
        public override string ToString() => Why;
    }

    public static TheoryData<Row> Rows => new()
    {
        // 2.2 schema version
        new("dns-version.cluster.local", RecordType.TXT, NoError, ["dns-version.cluster.local. 5 IN TXT \"1.1.0\""], "dns-version TXT"),
        // 2.3 ClusterIP Services
        new("web.shop.svc.cluster.local", RecordType.A, NoError, ["web.shop.svc.cluster.local. 5 IN A 10.96.0.50"], "ClusterIP A"),
        new("WEB.Shop.SVC.Cluster.Local", RecordType.A, NoError, ["web.shop.svc.cluster.local. 5 IN A 10.96.0.50"], "case-insensitive"),
        new("kubernetes.default.svc.cluster.local", RecordType.A, NoError, ["kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"], "kubernetes Service"),
        new("web.shop.svc.cluster.local", RecordType.AAAA, NoError, [], "IPv4 Service has no AAAA: NODATA"),
        new("web6.shop.svc.cluster.local", RecordType.AAAA, NoError, ["web6.shop.svc.cluster.local. 5 IN AAAA fd00::10"], "IPv6 Service AAAA"),
        new("_http._tcp.web.shop.svc.cluster.local", RecordType.SRV, NoError,
            ["_http._tcp.web.shop.svc.cluster.local. 5 IN SRV 0 100 80 web.shop.svc.cluster.local."], "SRV for a named port"),
        new("_dns._udp.web.shop.svc.cluster.local", RecordType.SRV, NoError,
            ["_dns._udp.web.shop.svc.cluster.local. 5 IN SRV 0 100 53 web.shop.svc.cluster.local."], "SRV for a UDP port"),
        new("_http._udp.web.shop.svc.cluster.local", RecordType.SRV, NXDomain, [], "no SRV for the wrong protocol"),
        new("_http._tcp.web.shop.svc.cluster.local", RecordType.A, NoError, [], "SRV name asked for A: NODATA"),
        new("50.0.96.10.in-addr.arpa", RecordType.PTR, NoError, ["50.0.96.10.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local."], "PTR of a ClusterIP"),
        // 2.4 headless Services
        new("db.shop.svc.cluster.local", RecordType.A, NoError,
            ["db.shop.svc.cluster.local. 5 IN A 10.244.0.5", "db.shop.svc.cluster.local. 5 IN A 10.244.0.6"], "headless: one A per ready endpoint"),
        new("db-0.db.shop.svc.cluster.local", RecordType.A, NoError, ["db-0.db.shop.svc.cluster.local. 5 IN A 10.244.0.5"], "endpoint hostname A"),
        new("10-244-0-6.db.shop.svc.cluster.local", RecordType.A, NoError, ["10-244-0-6.db.shop.svc.cluster.local. 5 IN A 10.244.0.6"], "endpoint without hostname: dashed IP"),
        new("db-2.db.shop.svc.cluster.local", RecordType.A, NXDomain, [], "not-ready endpoint has no record"),
        new("_pg._tcp.db.shop.svc.cluster.local", RecordType.SRV, NoError,
            ["_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 50 15432 10-244-0-6.db.shop.svc.cluster.local.",
             "_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 50 15432 db-0.db.shop.svc.cluster.local."], "headless SRV per endpoint"),
        new("5.0.244.10.in-addr.arpa", RecordType.PTR, NoError, ["5.0.244.10.in-addr.arpa. 5 IN PTR db-0.db.shop.svc.cluster.local."], "PTR of a headless endpoint"),
        new("empty.shop.svc.cluster.local", RecordType.A, NXDomain, [], "headless without ready endpoints: NXDOMAIN (2.4.1)"),
        // 2.5 ExternalName
        new("ext.shop.svc.cluster.local", RecordType.A, NoError, ["ext.shop.svc.cluster.local. 5 IN CNAME www.example.com."], "ExternalName CNAME"),
        // 2.6 pod records (CoreDNS pods insecure)
        new("10-244-1-5.shop.pod.cluster.local", RecordType.A, NoError, ["10-244-1-5.shop.pod.cluster.local. 5 IN A 10.244.1.5"], "dashed pod IP"),
        new("10-244-1-5.anything.pod.cluster.local", RecordType.A, NoError, ["10-244-1-5.anything.pod.cluster.local. 5 IN A 10.244.1.5"], "pod IP in any namespace"),
        new("10-244-1-999.shop.pod.cluster.local", RecordType.A, NXDomain, [], "not an IP"),
        new("10-244-1-5.shop.pod.cluster.local", RecordType.AAAA, NoError, [], "IPv4 pod AAAA: NODATA"),
        // NXDOMAIN versus NODATA
        new("nope.shop.svc.cluster.local", RecordType.A, NXDomain, [], "unknown Service"),
        new("web.nons.svc.cluster.local", RecordType.A, NXDomain, [], "unknown namespace"),
        new("shop.svc.cluster.local", RecordType.A, NoError, [], "namespace name exists: NODATA"),
        new("nons.svc.cluster.local", RecordType.A, NXDomain, [], "namespace without Services"),
        new("svc.cluster.local", RecordType.A, NoError, [], "svc.ZONE exists"),
        new("a.b.c.d.e.svc.cluster.local", RecordType.A, NXDomain, [], "too deep"),
        new("web.shop.svc.cluster.local", RecordType.TXT, NoError, [], "Service TXT: NODATA"),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Query_ClusterZone_AnswersAsTheSpecification(Row row)
    {
        var response = Ask(row.Name, row.Type);
        Assert.Equal(row.Rcode, response.Rcode);
        Assert.True(response.Authoritative);
        Assert.Equal(row.Answers.Order(StringComparer.Ordinal), response.Answers.Order(StringComparer.Ordinal));
        if (row.Answers.Length == 0)
        {
            // NXDOMAIN and NODATA carry the zone's SOA (negative caching, RFC 2308).
            var soa = Assert.Single(response.Authority);
            Assert.Matches(@"^cluster\.local\. 5 IN SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5$", soa);
        }
    }

    [Fact]
    public void Query_ClusterIpSrv_AddsTheServiceAddressInAdditional()
    {
        var response = Ask("_http._tcp.web.shop.svc.cluster.local", RecordType.SRV);
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.50"], response.Additional);
    }

    [Fact]
    public void Query_Apex_AnswersSoa()
    {
        var response = Ask("cluster.local", RecordType.SOA);
        Assert.Matches(@"^cluster\.local\. 5 IN SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5$", Assert.Single(response.Answers));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("cluster.local.example.com")]
    [InlineData("7.0.244.10.in-addr.arpa")] // a not-ready endpoint's IP: reverse falls through to upstream
    [InlineData("1.2.3.4.in-addr.arpa")]
    public void Query_OutsideClusterData_IsForwarded(string name)
    {
        var processor = new QueryProcessor([new KubernetesHandler(Zone)]);
        var result = processor.Process(DnsMessages.Query(name, RecordType.A), new byte[65535], tcp: false, out _);
        Assert.Equal(ProcessResult.Forward, result);
    }

    [Fact]
    public void Query_QuestionCase_IsEchoed()
    {
        var buffer = new byte[65535];
        new QueryProcessor([new KubernetesHandler(Zone)]).Process(DnsMessages.Query("WeB.sHoP.svc.cluster.local", RecordType.A), buffer, false, out _);
        Assert.Equal("WeB", System.Text.Encoding.ASCII.GetString(buffer, 13, 3));
    }

    internal static DecodedResponse Ask(string name, ushort type, ClusterZone? zone = null, int? edns = null, bool tcp = false)
    {
        var processor = new QueryProcessor([new KubernetesHandler(zone ?? Zone)]);
        var buffer = new byte[65535];
        var result = processor.Process(DnsMessages.Query(name, type, ednsSize: edns), buffer, tcp, out var length);
        Assert.Equal(ProcessResult.Respond, result);
        return DnsMessages.Decode(buffer.AsSpan(0, length));
    }
}
