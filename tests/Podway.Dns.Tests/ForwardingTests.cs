using System.Diagnostics;
using System.Net;
using Podway.Dns.Forward;
using Podway.Dns.Server;

namespace Podway.Dns.Tests;

public sealed class ForwardingTests
{
    [Fact]
    public async Task Forward_SilentUpstream_ServFailWithinBudget()
    {
        using var silent = new FakeUpstream("127.0.0.3", silent: true);
        await using var server = new DnsServer(TestObjects.Zone(), new UpstreamForwarder([silent.EndPoint], TimeSpan.FromSeconds(2)),
            new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        var clock = Stopwatch.StartNew();
        var output = await Dig.RunAsync(server.LocalEndPoint, "+time=8", "example.org", "A");
        Assert.Contains("status: SERVFAIL", output);
        // It waited for the silent upstream (dig's own 8 s timeout bounds the other side).
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"answered after {clock.Elapsed}, before the upstream's 2 s");
        Assert.True(silent.Received >= 1);
    }

    [Fact]
    public async Task Forward_NoUpstreams_ServFailAtOnce()
    {
        // A 60 s budget: dig (5 s, one try) gets SERVFAIL only if the forwarder does not wait when there is no one to ask.
        await using var server = new DnsServer(TestObjects.Zone(), new UpstreamForwarder([], budget: TimeSpan.FromSeconds(60)),
            new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        var output = await Dig.RunAsync(server.LocalEndPoint, "example.org", "A");
        Assert.Contains("status: SERVFAIL", output);
    }

    [Fact]
    public async Task Forward_FirstUpstreamSilent_SecondAnswers()
    {
        using var silent = new FakeUpstream("127.0.0.3", silent: true);
        using var good = new FakeUpstream("127.0.0.4");
        await using var server = new DnsServer(TestObjects.Zone(), new UpstreamForwarder([silent.EndPoint, good.EndPoint]),
            new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        var output = await Dig.RunAsync(server.LocalEndPoint, "example.org", "A");
        Assert.Contains("192.0.2.53", output);
    }

    public sealed record Row(string ResolvConf, string[] Expected);

    public static TheoryData<Row> ResolvRows => new()
    {
        new("nameserver 192.0.2.1\nnameserver 192.0.2.2\n", ["192.0.2.1:53", "192.0.2.2:53"]),
        new("# systemd stub\nnameserver 127.0.0.53\noptions edns0\n", []),
        new("search example.com\nnameserver ::1\nnameserver 10.96.0.10\nnameserver 2001:db8::1\n", ["[2001:db8::1]:53"]),
        new("nameserver 192.0.2.1\nnameserver 192.0.2.1\nnameserver bogus\n", ["192.0.2.1:53"]),
    };

    [Theory]
    [MemberData(nameof(ResolvRows))]
    public void Upstreams_ResolvConf_SkipsLoopbackAndTheClusterDns(Row row)
    {
        var upstreams = ResolvConf.Upstreams(row.ResolvConf, [IPAddress.Parse("10.96.0.10")]);
        Assert.Equal(row.Expected, upstreams.Select(u => u.ToString()));
    }
}
