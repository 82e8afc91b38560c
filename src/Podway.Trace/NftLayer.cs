using Podway.Proxy;
using Podway.Proxy.Rules;

namespace Podway.Trace;

/// <summary>
/// The node's nftables path for the packet, read from the kernel (not recomputed from the objects): the verdict map
/// element for address.proto.port in the Service's shard, the chains it leads to, the DNAT targets, or REJECT.
/// </summary>
internal static class NftLayer
{
    /// <param name="serviceKey">namespace/name of the Service owning the address (which shard holds it)</param>
    /// <param name="expected">the endpoints the objects say should be chosen (ip:port), to compare with the kernel's</param>
    public static LayerResult Run(TraceEnvironment env, string nodeNetns, string serviceKey, string ip, string protocol, int port, IReadOnlyCollection<string> expected)
    {
        var layout = new TableLayout(ProxyNodeInfo.TableFor(env.ClusterName), env.ProxyShards);
        var proto = protocol.ToLowerInvariant();
        NftPath? path;
        try { path = NftPath.Read(nodeNetns, layout.Main, layout.ShardTableOf(serviceKey), ip, proto, port); }
        catch (IOException e) { return LayerResult.Fail("nftables", $"cannot read the node's rules: {e.Message}", "run podway trace as root (sudo), on the machine that runs the cluster"); }
        var key = $"{ip} . {proto} . {port}";
        if (path is null)
            return LayerResult.Fail("nftables", $"no element {key} in {layout.ShardTableOf(serviceKey)} service-ips nor in {layout.Main} no-endpoint-services (netns {nodeNetns})",
                "the service proxy has not programmed this Service: check the node agent's log (<data-dir>/logs/agent-*.log) and podway status");
        var details = new Dictionary<string, object?>
        {
            ["netns"] = nodeNetns, ["table"] = path.Table, ["map"] = path.Map, ["element"] = path.Element, ["chains"] = path.Chains, ["dnat"] = path.Dnat, ["final"] = path.Final,
        };
        var where = $"{path.Table} {path.Map}: {path.Element}";
        if (path.Dnat.Count == 0)
            return LayerResult.Fail("nftables", $"{where} -> {(path.Rejects ? "REJECT (connection refused: no endpoints)" : path.Drops ? "DROP" : "no DNAT")}",
                "the kernel has no endpoint for this Service port: give it a ready endpoint (see endpoints)") with { Details = details };
        var missing = expected.Where(e => !path.Dnat.Contains(e)).ToList();
        var saw = $"{where} -> {string.Join(" -> ", path.Chains)} -> DNAT to one of {string.Join(", ", path.Dnat)}";
        if (missing.Count > 0 && expected.Count > 0)
            return LayerResult.Fail("nftables", $"{saw}; the kernel lacks {string.Join(", ", missing)} that the EndpointSlices list",
                "the proxy is behind the objects: wait a moment and trace again; if it stays, check the node agent's log") with { Details = details };
        return LayerResult.Pass("nftables", saw) with { Details = details };
    }
}
