using System.Net;
using System.Text.RegularExpressions;
using Podway.Dns.Forward;
using Podway.Dns.Server;
using Podway.Dns.Zone;

namespace Podway.Dns.Tests;

/// <summary>The server on 127.0.0.1 and a free port, asked by the real dig over UDP and TCP.</summary>
public sealed class DigTests : IAsyncLifetime
{
    readonly FakeUpstream _upstream = new();
    DnsServer _server = null!;

    public Task InitializeAsync()
    {
        var zone = TestObjects.Zone();
        zone.SetService(TestObjects.Service("shop", "big", "None", ("http", 80, "TCP")));
        zone.SetSlice(TestObjects.Slice("shop", "big-1", "big", [("http", 8080, "TCP")],
            [.. Enumerable.Range(1, 100).Select(i => ($"10.244.3.{i}", (string?)null, true))]));
        _server = new DnsServer(zone, new UpstreamForwarder([_upstream.EndPoint]), new IPEndPoint(IPAddress.Loopback, 0));
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _upstream.Dispose();
    }

    static string[] AnswerLines(string output) =>
        output.Split('\n').SkipWhile(l => !l.StartsWith(";; ANSWER SECTION:")).Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => Regex.Replace(l, @"\s+", " ")).ToArray();

    static string Status(string output) => Regex.Match(output, @"status: (\w+)").Groups[1].Value;
    static string Flags(string output) => Regex.Match(output, @"flags: ([a-z ]+);").Groups[1].Value;

    public sealed record Row(string[] Args, string Status, string[] Answers)
    {
        public override string ToString() => string.Join(' ', Args);
    }

    public static TheoryData<Row> Rows => new()
    {
        new(["web.shop.svc.cluster.local", "A"], "NOERROR", ["web.shop.svc.cluster.local. 5 IN A 10.96.0.50"]),
        new(["web.shop.svc.cluster.local", "AAAA"], "NOERROR", []),
        new(["_http._tcp.web.shop.svc.cluster.local", "SRV"], "NOERROR", ["_http._tcp.web.shop.svc.cluster.local. 5 IN SRV 0 100 80 web.shop.svc.cluster.local."]),
        new(["-x", "10.96.0.50"], "NOERROR", ["50.0.96.10.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local."]),
        new(["ext.shop.svc.cluster.local", "A"], "NOERROR", ["ext.shop.svc.cluster.local. 5 IN CNAME www.example.com."]),
        new(["dns-version.cluster.local", "TXT"], "NOERROR", ["dns-version.cluster.local. 5 IN TXT \"1.1.0\""]),
        new(["nope.shop.svc.cluster.local", "A"], "NXDOMAIN", []),
        new(["+tcp", "web.shop.svc.cluster.local", "A"], "NOERROR", ["web.shop.svc.cluster.local. 5 IN A 10.96.0.50"]),
        new(["+noedns", "web.shop.svc.cluster.local", "A"], "NOERROR", ["web.shop.svc.cluster.local. 5 IN A 10.96.0.50"]),
        new(["example.org", "A"], "NOERROR", ["example.org. 60 IN A 192.0.2.53"]),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Dig_Question_GetsTheExpectedAnswer(Row row)
    {
        var output = await Dig.RunAsync(_server.LocalEndPoint, row.Args);
        Assert.Equal(row.Status, Status(output));
        Assert.Equal(row.Answers, AnswerLines(output));
    }

    [Fact]
    public async Task Dig_NxDomain_CarriesTheSoa()
    {
        var output = await Dig.RunAsync(_server.LocalEndPoint, "nope.shop.svc.cluster.local", "A");
        Assert.Matches(@"cluster\.local\.\s+5\s+IN\s+SOA\s+ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5", output);
        Assert.Contains("aa", Flags(output).Split(' '));
    }

    [Fact]
    public async Task Dig_Edns_IsEchoedWithOurPayloadSize()
    {
        var output = await Dig.RunAsync(_server.LocalEndPoint, "+edns=0", "+bufsize=4096", "web.shop.svc.cluster.local");
        Assert.Matches(@"EDNS: version: 0, flags:; udp: 1232", output);
    }

    [Fact]
    public async Task Dig_AnswerTooBigForUdp_IsTruncatedThenComplete()
    {
        // 100 A records (1.6 kB) do not fit 512 bytes (no EDNS) nor 1232: UDP says TC, dig +ignore shows it as is.
        var udp = await Dig.RunAsync(_server.LocalEndPoint, "+noedns", "+ignore", "big.shop.svc.cluster.local", "A");
        Assert.Contains("tc", Flags(udp).Split(' '));
        Assert.Empty(AnswerLines(udp));
        // Without +ignore dig retries over TCP, as a stub resolver does, and gets every record.
        var retried = await Dig.RunAsync(_server.LocalEndPoint, "big.shop.svc.cluster.local", "A");
        Assert.Contains("Truncated, retrying in TCP mode", retried);
        Assert.Equal(100, AnswerLines(retried).Length);
        var tcp = await Dig.RunAsync(_server.LocalEndPoint, "+tcp", "big.shop.svc.cluster.local", "A");
        Assert.Equal(100, AnswerLines(tcp).Length);
    }

    [Fact]
    public async Task Dig_EdnsVersion1_GetsBadVers()
    {
        var output = await Dig.RunAsync(_server.LocalEndPoint, "+edns=1", "+noednsneg", "web.shop.svc.cluster.local");
        Assert.Equal("BADVERS", Status(output));
    }
}
