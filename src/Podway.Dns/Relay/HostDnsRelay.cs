using System.Net;
using Podway.Dns.Forward;
using Podway.Dns.Server;

namespace Podway.Dns.Relay;

/// <summary>
/// The node resolver, as kind's nodes have Docker's embedded DNS: a DNS relay in the control plane process on the
/// cluster bridge's host address (UDP and TCP 53), which Pods and nodes reach but the outside does not. It forwards
/// each query from the host's own sockets to the resolvers of the host's resolv.conf (followed as it changes, see
/// <see cref="HostResolvConf"/>), loopback stubs included
/// (127.0.0.53 answers the host, not a Pod), so answers come back although no cluster packet leaves the machine.
/// Each upstream gets <see cref="PerUpstream"/>, all together <see cref="Budget"/>, then SERVFAIL; with no upstream
/// at all SERVFAIL is immediate. Names in the cluster domain are REFUSED, never sent out. Malformed packets get
/// FORMERR or are dropped, and forwards in flight are bounded, as in <see cref="DnsServer"/>, which does the serving.
/// </summary>
public sealed class HostDnsRelay : IAsyncDisposable
{
    /// <summary>Short enough that the cluster DNS, waiting <see cref="ClientBudget"/>, hears our SERVFAIL before it gives up.</summary>
    public static readonly TimeSpan PerUpstream = TimeSpan.FromSeconds(2), Budget = TimeSpan.FromSeconds(3);
    /// <summary>What a client of the relay (the cluster DNS) should wait: the budget plus a margin, below a stub's 5 s.</summary>
    public static readonly TimeSpan ClientBudget = TimeSpan.FromSeconds(3.5);

    readonly DnsServer _server;
    readonly UpstreamForwarder _forwarder;

    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;
    /// <summary>The host's resolvers as of now.</summary>
    public IReadOnlyList<IPEndPoint> Upstreams => _forwarder.Upstreams;
    public long Queries => _server.Queries;

    /// <param name="listen">The bridge address and port 53 (port 0 picks a free one, for tests).</param>
    /// <param name="upstreams">The host's resolvers, asked once per query.</param>
    /// <param name="clusterDomain">Names under it are refused.</param>
    /// <exception cref="System.Net.Sockets.SocketException">when the address cannot be bound (in use, not on this host).</exception>
    public HostDnsRelay(IPEndPoint listen, Func<IReadOnlyList<IPEndPoint>> upstreams, string clusterDomain, TimeSpan? perUpstream = null, TimeSpan? budget = null)
    {
        _forwarder = new UpstreamForwarder(upstreams, budget ?? Budget, perUpstream ?? PerUpstream);
        _server = new DnsServer([new ClusterDomainRefuser(clusterDomain)], _forwarder, listen, udpLoops: 1);
    }

    public HostDnsRelay(IPEndPoint listen, IReadOnlyList<IPEndPoint> upstreams, string clusterDomain, TimeSpan? perUpstream = null, TimeSpan? budget = null)
        : this(listen, () => upstreams, clusterDomain, perUpstream, budget) { }

    /// <summary>
    /// A relay forwarding to the nameservers of <paramref name="resolvConfPath"/> (re-read when it changes; empty
    /// path: none), never to its own address or to <paramref name="exclude"/> (the cluster DNS): either would loop.
    /// </summary>
    public static HostDnsRelay ForResolvConf(IPEndPoint listen, string? resolvConfPath, string clusterDomain, params IPAddress[] exclude) =>
        new(listen, new HostResolvConf(resolvConfPath, [listen.Address, .. exclude]).Current, clusterDomain);

    public void Start() => _server.Start();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
