using System.Net;
using System.Text.RegularExpressions;
using Podway.Dns.Forward;
using Podway.Dns.Server;
using Podway.Dns.Zone;

namespace Podway.Dns.Tests;

/// <summary>Forwarded answers kept and reused (CoreDNS's `cache 30`), seen with the real dig through the real server.</summary>
public sealed partial class ForwardCacheTests
{
    /// <summary>A clock the test moves by hand, so TTL arithmetic is exact.</summary>
    sealed class ManualClock : TimeProvider
    {
        long _ticks;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    sealed class Setup : IAsyncDisposable
    {
        public readonly ManualClock Clock = new();
        public readonly FakeUpstream Upstream;
        public readonly DnsServer Server;

        public Setup(int rcode = 0, uint ttl = 60, int capacity = ForwardCache.DefaultCapacity)
        {
            Upstream = new FakeUpstream("127.0.0.5", rcode: rcode, ttl: ttl);
            Server = new DnsServer([new KubernetesHandler(TestObjects.Zone())], new UpstreamForwarder([Upstream.EndPoint]),
                new IPEndPoint(IPAddress.Loopback, 0), cache: new ForwardCache(Clock, capacity));
            Server.Start();
        }

        public Task<string> DigAsync(params string[] args) => Dig.RunAsync(Server.LocalEndPoint, args);

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Upstream.Dispose();
        }
    }

    [GeneratedRegex(@"^(\S+)\s+(\d+)\s+IN\s+A\s+192\.0\.2\.53$", RegexOptions.Multiline)]
    private static partial Regex AnswerLine();

    static (string Name, int Ttl) Answer(string dig)
    {
        var match = AnswerLine().Match(dig);
        Assert.True(match.Success, dig);
        return (match.Groups[1].Value, int.Parse(match.Groups[2].Value));
    }

    [Fact]
    public async Task Repeat_AnsweredFromCache_TtlCountsDown()
    {
        await using var setup = new Setup(ttl: 20);
        Assert.Equal(20, Answer(await setup.DigAsync("example.org", "A")).Ttl);
        setup.Clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(13, Answer(await setup.DigAsync("example.org", "A")).Ttl);
        Assert.Equal(1, setup.Upstream.Received);
        Assert.Equal(1, setup.Server.Cached);
    }

    [Fact]
    public async Task LongTtl_KeptAtMost30Seconds()
    {
        await using var setup = new Setup(ttl: 3600);
        await setup.DigAsync("example.org", "A");
        setup.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(3600 - 29, Answer(await setup.DigAsync("example.org", "A")).Ttl);
        Assert.Equal(1, setup.Upstream.Received);
        setup.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3600, Answer(await setup.DigAsync("example.org", "A")).Ttl);
        Assert.Equal(2, setup.Upstream.Received);
    }

    [Fact]
    public async Task Hit_EchoesTheAskersLetterCase()
    {
        await using var setup = new Setup();
        await setup.DigAsync("example.org", "A");
        var output = await setup.DigAsync("ExAmPlE.oRg", "A");
        Assert.Equal("ExAmPlE.oRg.", Answer(output).Name);
        Assert.Contains(";ExAmPlE.oRg.", output);
        Assert.Equal(1, setup.Upstream.Received);
    }

    [Fact]
    public async Task OtherTypeOrTransport_AskedAgain()
    {
        await using var setup = new Setup();
        await setup.DigAsync("example.org", "A");
        await setup.DigAsync("example.org", "MX");
        await setup.DigAsync("+tcp", "example.org", "A");
        await setup.DigAsync("+noedns", "example.org", "A");
        Assert.Equal(4, setup.Upstream.Received);
    }

    [Fact]
    public async Task NxDomain_CachedForItsSoaTtl()
    {
        await using var setup = new Setup(rcode: 3, ttl: 10);
        Assert.Contains("status: NXDOMAIN", await setup.DigAsync("nowhere.example", "A"));
        setup.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Contains("status: NXDOMAIN", await setup.DigAsync("nowhere.example", "A"));
        Assert.Equal(1, setup.Upstream.Received);
        setup.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("status: NXDOMAIN", await setup.DigAsync("nowhere.example", "A"));
        Assert.Equal(2, setup.Upstream.Received);
    }

    [Fact]
    public async Task Full_NewNamesNotKept_UntilEntriesExpire()
    {
        await using var setup = new Setup(ttl: 10, capacity: 2);
        foreach (var name in new[] { "a.example", "b.example", "c.example", "c.example" }) await setup.DigAsync(name, "A");
        Assert.Equal(4, setup.Upstream.Received); // c.example found the cache full, twice
        await setup.DigAsync("a.example", "A");
        Assert.Equal(4, setup.Upstream.Received); // a and b are still there
        setup.Clock.Advance(TimeSpan.FromSeconds(10));
        await setup.DigAsync("c.example", "A"); // a and b expired: c now kept
        await setup.DigAsync("c.example", "A");
        Assert.Equal(5, setup.Upstream.Received);
    }

    [Theory]
    [InlineData(2, 60u)] // SERVFAIL: the next asker may be luckier
    [InlineData(5, 60u)] // REFUSED
    [InlineData(0, 0u)] // TTL 0: not to be kept (RFC 1035 3.2.1)
    public async Task Uncacheable_AskedEveryTime(int rcode, uint ttl)
    {
        await using var setup = new Setup(rcode, ttl);
        await setup.DigAsync("example.org", "A");
        await setup.DigAsync("example.org", "A");
        Assert.Equal(2, setup.Upstream.Received);
        Assert.Equal(0, setup.Server.Cached);
    }
}
