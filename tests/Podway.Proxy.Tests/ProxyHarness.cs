using System.Text.Json.Nodes;
using Podway.Proxy.Nft;
using Podway.Proxy.Rules;
using Podway.Proxy.Tracking;

namespace Podway.Proxy.Tests;

/// <summary>Trackers + proxier over a fake (or real) nftables, as the ServiceProxy wires them, without informers.</summary>
public sealed class ProxyHarness
{
    public static readonly ProxyNodeInfo Node = new()
    {
        NodeName = "node-a", NodeIps = ["192.168.0.2"], ClusterPodCidr = "10.244.0.0/16", ServiceCidr = "10.96.0.0/12", TableName = "podway-test",
    };

    internal ServiceChangeTracker Services { get; } = new();
    internal EndpointsChangeTracker Endpoints { get; } = new(DateTimeOffset.UnixEpoch);
    public INftables Nft { get; }
    public FakeNftables? Fake => Nft as FakeNftables;
    internal RecordingConntrack Conntrack { get; } = new();
    internal NftProxier Proxier { get; }

    internal ProxyHarness(INftables? nft = null, ProxyNodeInfo? node = null)
    {
        Nft = nft ?? new FakeNftables();
        Proxier = new NftProxier(Nft, node ?? Node, Conntrack);
    }

    internal ProxyHarness Add(JsonObject obj)
    {
        if ((string?)obj["kind"] == "Service") Services.Update(null, obj); else Endpoints.Update(obj, removed: false);
        return this;
    }

    internal ProxyHarness Remove(JsonObject obj)
    {
        if ((string?)obj["kind"] == "Service") Services.Update(obj, null); else Endpoints.Update(obj, removed: true);
        return this;
    }

    public async Task<Rules.SyncResult> SyncAsync()
    {
        var (svcChanged, services) = Services.TakeChanges();
        var (epChanged, _, view) = Endpoints.TakeChanges();
        return await Proxier.SyncAsync(services, view, svcChanged.Concat(epChanged).ToHashSet(), default);
    }

    /// <summary>The proxy's main table.</summary>
    public FakeTable Table => Fake!.Table("ip", Proxier.Layout.Main) ?? throw new InvalidOperationException("no table");

    /// <summary>The main table and every shard, in name order.</summary>
    public IReadOnlyList<FakeTable> Tables =>
        [.. Proxier.Layout.All.Order(StringComparer.Ordinal).Select(t => Fake!.Table("ip", t) ?? throw new InvalidOperationException($"no table {t}"))];

    /// <summary>The shard table a Service ("namespace/name") lives in.</summary>
    public FakeTable ShardOf(string service) => Fake!.Table("ip", Proxier.Layout.ShardTableOf(service)) ?? throw new InvalidOperationException("no shard");

    /// <summary>Every table's canonical dump, for golden comparisons.</summary>
    public string Dump() => string.Concat(Tables.Select(t => t.Dump()));

    public NftTracer Tracer() => new(Tables, [.. Node.NodeIps, "127.0.0.1"]);

    public TraceResult Trace(string src, string dst, string proto, int port) => Tracer().Trace(src, dst, proto, port);
}

internal sealed class RecordingConntrack : IConntrack
{
    public List<string> Calls { get; } = [];
    public void ClearEntriesForIp(string serviceIp) => Calls.Add($"ip {serviceIp}");
    public void ClearEntriesForNat(string originalDst, string endpointIp) => Calls.Add($"nat {originalDst} -> {endpointIp}");
    public void ClearEntriesForPortNat(int nodePort, string endpointIp) => Calls.Add($"port {nodePort} -> {endpointIp}");
}
