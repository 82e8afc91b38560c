using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Podway.Dns.Relay;
using Podway.Dns.Wire;

namespace Podway.Dns.Tests;

/// <summary>The host DNS relay (the node resolver) against stand-in host resolvers on loopback addresses.</summary>
public sealed class RelayTests
{
    static readonly IPEndPoint Listen = new(IPAddress.Loopback, 0);

    static HostDnsRelay Start(IReadOnlyList<IPEndPoint> upstreams, TimeSpan? perUpstream = null, TimeSpan? budget = null)
    {
        var relay = new HostDnsRelay(Listen, upstreams, "cluster.local", perUpstream, budget);
        relay.Start();
        return relay;
    }

    /// <summary>One UDP exchange; null when nothing came back within <paramref name="wait"/>.</summary>
    static async Task<byte[]?> AskUdpAsync(IPEndPoint server, byte[] packet, TimeSpan wait)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        await socket.SendAsync(packet, SocketFlags.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(wait);
        try { return buffer[..await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)]; }
        catch (OperationCanceledException) { return null; }
    }

    [Fact]
    public async Task Relay_UpstreamAnswers_ReturnsTheAnswerWithTheClientsId()
    {
        using var upstream = new FakeUpstream("127.0.0.21");
        await using var relay = Start([upstream.EndPoint]);

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A, id: 0xBEEF), TimeSpan.FromSeconds(10));

        Assert.NotNull(reply);
        var decoded = DnsMessages.Decode(reply);
        Assert.Equal(0xBEEF, decoded.Id);
        Assert.Equal(Rcode.NoError, decoded.Rcode);
        Assert.Equal(["example.test. 60 IN A 192.0.2.53"], decoded.Answers);
        Assert.Equal(1, upstream.Received);
    }

    [Fact]
    public async Task Relay_OverTcp_ForwardsAndAnswers()
    {
        using var upstream = new FakeUpstream("127.0.0.22");
        await using var relay = Start([upstream.EndPoint]);

        var output = await Dig.RunAsync(relay.LocalEndPoint, "+tcp", "example.test", "A");

        Assert.Contains("status: NOERROR", output);
        Assert.Contains("192.0.2.53", output);
    }

    [Fact]
    public async Task Relay_UpstreamSilent_ServFailAfterItsTimeout()
    {
        using var silent = new FakeUpstream("127.0.0.23", silent: true);
        await using var relay = Start([silent.EndPoint], perUpstream: TimeSpan.FromMilliseconds(500), budget: TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A, id: 7), TimeSpan.FromSeconds(10));

        Assert.NotNull(reply);
        Assert.Equal(Rcode.ServFail, DnsMessages.Decode(reply).Rcode);
        Assert.Equal(7, DnsMessages.Decode(reply).Id);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"answered after {clock.Elapsed}, before the upstream's timeout");
        Assert.Equal(1, silent.Received);
    }

    [Fact]
    public async Task Relay_FirstUpstreamSilent_TheNextAnswers()
    {
        using var silent = new FakeUpstream("127.0.0.24", silent: true);
        using var good = new FakeUpstream("127.0.0.25");
        await using var relay = Start([silent.EndPoint, good.EndPoint], perUpstream: TimeSpan.FromMilliseconds(300), budget: TimeSpan.FromSeconds(5));

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A), TimeSpan.FromSeconds(10));

        Assert.NotNull(reply);
        Assert.Equal(["example.test. 60 IN A 192.0.2.53"], DnsMessages.Decode(reply).Answers);
        Assert.Equal(1, silent.Received);
    }

    [Fact]
    public async Task Relay_NoUpstreams_ServFailWithoutWaitingOutTheBudget()
    {
        // A budget far longer than the client waits: only an immediate SERVFAIL reaches it.
        await using var relay = Start([], perUpstream: TimeSpan.FromSeconds(60), budget: TimeSpan.FromSeconds(60));

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A), TimeSpan.FromSeconds(20));

        Assert.NotNull(reply);
        Assert.Equal(Rcode.ServFail, DnsMessages.Decode(reply).Rcode);
    }

    [Fact]
    public async Task Relay_UpstreamPortClosed_ServFailWithoutWaitingOutTheBudget()
    {
        // Nothing listens there: the port-unreachable moves the relay on at once (a host with a stopped resolver).
        var closed = new IPEndPoint(IPAddress.Parse("127.0.0.26"), FreeUdpPort());
        await using var relay = Start([closed], perUpstream: TimeSpan.FromSeconds(60), budget: TimeSpan.FromSeconds(60));

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A), TimeSpan.FromSeconds(20));

        Assert.NotNull(reply);
        Assert.Equal(Rcode.ServFail, DnsMessages.Decode(reply).Rcode);
    }

    [Theory]
    [InlineData("kubernetes.default.svc.cluster.local")]
    [InlineData("cluster.local")]
    [InlineData("Web.NS.SVC.Cluster.Local")]
    public async Task Relay_ClusterDomainName_RefusedAndNotSentUpstream(string name)
    {
        using var upstream = new FakeUpstream("127.0.0.27");
        await using var relay = Start([upstream.EndPoint]);

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query(name, RecordType.A), TimeSpan.FromSeconds(10));

        Assert.NotNull(reply);
        Assert.Equal(Rcode.Refused, DnsMessages.Decode(reply).Rcode);
        Assert.Equal(0, upstream.Received);
    }

    [Fact]
    public async Task Relay_NameEndingLikeTheClusterDomain_Forwarded()
    {
        using var upstream = new FakeUpstream("127.0.0.28");
        await using var relay = Start([upstream.EndPoint]);

        var reply = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("notcluster.local", RecordType.A), TimeSpan.FromSeconds(10));

        Assert.NotNull(reply);
        Assert.Equal(Rcode.NoError, DnsMessages.Decode(reply).Rcode);
        Assert.Equal(1, upstream.Received);
    }

    [Fact]
    public async Task Relay_GarbagePackets_FormErrOrDroppedAndStillServes()
    {
        using var upstream = new FakeUpstream("127.0.0.29");
        await using var relay = Start([upstream.EndPoint]);
        byte[] noQuestion = [0xAB, 0xCD, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] loop = [0xAB, 0xCE, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1];

        var formErr = await AskUdpAsync(relay.LocalEndPoint, noQuestion, TimeSpan.FromSeconds(10));
        var loopErr = await AskUdpAsync(relay.LocalEndPoint, loop, TimeSpan.FromSeconds(10));
        var tooShort = await AskUdpAsync(relay.LocalEndPoint, [1, 2, 3], TimeSpan.FromMilliseconds(500));
        var random = new byte[300];
        new Random(53).NextBytes(random);
        random[2] &= 0x7F; // a query, so it is parsed rather than dropped as a response
        await AskUdpAsync(relay.LocalEndPoint, random, TimeSpan.FromMilliseconds(500));
        var output = await Dig.RunAsync(relay.LocalEndPoint, "+tcp", "example.test", "A");
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(relay.LocalEndPoint);
            await tcp.GetStream().WriteAsync(new byte[] { 0, 3, 1, 2, 3 }); // a TCP message shorter than a header
        }
        var after = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A), TimeSpan.FromSeconds(10));

        Assert.Equal(Rcode.FormErr, DnsMessages.Decode(formErr!).Rcode);
        Assert.Equal(0xABCD, DnsMessages.Decode(formErr!).Id);
        Assert.Equal(Rcode.FormErr, DnsMessages.Decode(loopErr!).Rcode);
        Assert.Null(tooShort);
        Assert.Contains("192.0.2.53", output);
        Assert.NotNull(after);
        Assert.Equal(["example.test. 60 IN A 192.0.2.53"], DnsMessages.Decode(after).Answers);
    }

    [Fact]
    public void HostResolvConf_File_KeepsLoopbackStubsButNotTheRelayOrTheClusterDns()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "nameserver 127.0.0.53\nnameserver 10.250.3.1\nnameserver 10.96.0.10\nnameserver 192.0.2.1\noptions edns0\n");

            var upstreams = new HostResolvConf(file, [IPAddress.Parse("10.250.3.1"), IPAddress.Parse("10.96.0.10")]).Current();

            Assert.Equal(["127.0.0.53:53", "192.0.2.1:53"], upstreams.Select(u => u.ToString()));
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("/nonexistent/podway-test/resolv.conf")]
    public void HostResolvConf_NoFile_None(string? path) =>
        Assert.Empty(new HostResolvConf(path, []).Current());

    [Fact]
    public void HostResolvConf_FileWithoutNameservers_None()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# nothing here\nsearch example.com\n");
            Assert.Empty(new HostResolvConf(file, []).Current());
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void HostResolvConf_FileRewritten_FollowsIt()
    {
        var file = Path.GetTempFileName();
        try
        {
            var conf = new HostResolvConf(file, [], checkEvery: TimeSpan.Zero);
            File.WriteAllText(file, "nameserver 192.0.2.1\n");
            Assert.Equal(["192.0.2.1:53"], conf.Current().Select(u => u.ToString()));

            File.WriteAllText(file, "nameserver 192.0.2.10\nnameserver 192.0.2.11\n");
            Assert.Equal(["192.0.2.10:53", "192.0.2.11:53"], conf.Current().Select(u => u.ToString()));

            File.Delete(file);
            Assert.Empty(conf.Current());
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Relay_ResolvConfGainsAResolver_ForwardsToIt()
    {
        using var upstream = new FakeUpstream("127.0.0.30");
        var file = Path.GetTempFileName();
        try
        {
            // resolv.conf resolvers are on port 53; the stand-in's port comes in through the upstream list instead.
            var conf = new HostResolvConf(file, [], checkEvery: TimeSpan.Zero);
            await using var relay = new HostDnsRelay(Listen,
                () => conf.Current().Count == 0 ? [] : [upstream.EndPoint], "cluster.local");
            relay.Start();
            var before = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A), TimeSpan.FromSeconds(10));

            File.WriteAllText(file, "nameserver 127.0.0.30\n");
            var after = await AskUdpAsync(relay.LocalEndPoint, DnsMessages.Query("example.test", RecordType.A), TimeSpan.FromSeconds(10));

            Assert.Equal(Rcode.ServFail, DnsMessages.Decode(before!).Rcode);
            Assert.Equal(["example.test. 60 IN A 192.0.2.53"], DnsMessages.Decode(after!).Answers);
        }
        finally { File.Delete(file); }
    }

    static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.26"), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
