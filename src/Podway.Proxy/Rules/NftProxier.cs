using System.Diagnostics;
using Podway.Proxy.Nft;
using Podway.Proxy.Tracking;

namespace Podway.Proxy.Rules;

/// <summary>What one sync did.</summary>
public sealed record SyncResult(bool Full, int Operations, TimeSpan Duration, int ServicesRendered);

/// <summary>
/// Keeps the proxy's tables in step with Services and endpoints (kube-proxy's syncProxyRules). A full sync rewrites
/// the main table and every shard (see <see cref="TableLayout"/>) in one transaction (it is the only one that
/// deletes and recreates them, and it deletes shard tables of another shard count); a partial sync renders only
/// the changed Services and sends the difference against what it last applied: new and rewritten chains, changed
/// verdict-map elements, and stale chains and affinity sets, in the changed Services' shards and the main table.
/// After any failure the next sync is full.
/// </summary>
internal sealed class NftProxier(INftables nft, ProxyNodeInfo node, IConntrack conntrack, Action<string>? log = null)
{
    readonly ServiceRenderer _renderer = new(node.NodeName, node.ClusterPodCidr);
    readonly TableLayout _layout = new(node.TableName, node.Shards);
    Dictionary<string, RenderedService> _applied = new(StringComparer.Ordinal);
    /// <summary>Map/set element to its claim (the first Service to claim a key keeps it); only keys some Service wants.</summary>
    Dictionary<(string Set, string Key), Claim> _elements = new();
    bool _needFullSync = true;

    /// <summary>Who owns an element and with which value, and how many applied Services want it (so a released
    /// element is only searched an heir for when another Service still wants it: at 10k Services that search is
    /// a scan of all of them).</summary>
    sealed class Claim(string? value, string owner)
    {
        public string? Value = value;
        public string? Owner = owner;
        public int Wanters = 1;
    }

    public bool NeedsFullSync => _needFullSync;
    public TableLayout Layout => _layout;
    /// <summary>The script of the last transaction sent (for logs and debugging).</summary>
    public string LastScript { get; private set; } = "";

    /// <summary>healthCheckNodePort to (service key, local endpoints), for the health check server.</summary>
    public IReadOnlyDictionary<int, (string Service, int LocalEndpoints)> HealthChecks =>
        _applied.SelectMany(s => s.Value.HealthCheckLocalEndpoints.Select(h => (h.Key, (s.Key, h.Value))))
            .DistinctBy(h => h.Key).ToDictionary(h => h.Key, h => h.Item2);

    public async Task<SyncResult> SyncAsync(IReadOnlyDictionary<string, IReadOnlyList<ServicePortInfo>> services,
        EndpointsView endpoints, IReadOnlySet<string> changed, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var full = _needFullSync;
        var tx = new NftTransaction("ip", node.TableName);
        Dictionary<string, RenderedService>? fullApplied = null;
        Dictionary<(string, string), Claim>? fullElements = null;
        // A partial sync updates _applied in place (copying 10k Services costs more than the nft commit); this
        // undoes it when nft fails. _elements needs no undo: the full sync after a failure rebuilds it.
        List<(string Key, RenderedService? Before, RenderedService? After)> diffs = [];
        var conntrackWork = new List<Action>();
        try
        {
            if (full)
            {
                (fullApplied, fullElements) = WriteFull(tx, services, endpoints);
                foreach (var key in fullApplied.Keys.Concat(_applied.Keys).Distinct())
                    conntrackWork.AddRange(StaleUdp(_applied.GetValueOrDefault(key), fullApplied.GetValueOrDefault(key)));
            }
            else
            {
                diffs = WritePartial(tx, services, endpoints, changed);
                foreach (var (_, before, after) in diffs) conntrackWork.AddRange(StaleUdp(before, after));
            }

            LastScript = tx.Script;
            if (tx.Operations > 0) await nft.RunAsync(tx, ct);
        }
        catch (Exception e) when (e is NftException or IOException or InvalidOperationException)
        {
            foreach (var (key, before, _) in diffs)
                if (before is null) _applied.Remove(key); else _applied[key] = before;
            _needFullSync = true;
            log?.Invoke($"proxy: {(full ? "full" : "partial")} sync failed, next sync is a full one: {e.Message}");
            throw;
        }
        if (full) (_applied, _elements) = (fullApplied!, fullElements!);
        _needFullSync = false;
        foreach (var work in conntrackWork) work();
        return new SyncResult(full, tx.Operations, sw.Elapsed, full ? _applied.Count : changed.Count);
    }

    /// <summary>The table a Service's chain lives in.</summary>
    NftTransaction ChainTx(NftTransaction tx, string service, string chain) =>
        tx.On(TableLayout.ChainInMain(chain) ? _layout.Main : _layout.ShardTableOf(service));

    /// <summary>The table an element lives in: the owner's shard for the DNAT maps, else the main table.</summary>
    string ElementTable(string set, string owner) => TableLayout.SetInShard(set) ? _layout.ShardTableOf(owner) : _layout.Main;

    (Dictionary<string, RenderedService>, Dictionary<(string, string), Claim>) WriteFull(NftTransaction tx,
        IReadOnlyDictionary<string, IReadOnlyList<ServicePortInfo>> services, EndpointsView endpoints)
    {
        // add + delete + add: replaces whatever is there (or nothing) atomically; conntrack keeps established flows.
        foreach (var table in _layout.All)
        {
            var t = tx.On(table);
            t.AddTable();
            t.DeleteTable();
            t.AddTable(comment: table == _layout.Main ? "podway service proxy" : "podway service proxy shard");
        }
        // Shards of an earlier layout (another shard count) would keep DNATing with stale rules. Listing the tables
        // is no option: `nft list tables` in nft 1.0.6 fetches the whole ruleset (minutes at 10k Services).
        foreach (var table in _layout.AllPossibleShards.Except(_layout.Shards))
        {
            var t = tx.On(table);
            t.AddTable();
            t.DeleteTable();
        }
        BaseRules.WriteMain(tx.On(_layout.Main), node.ServiceCidr, node.NodeIps);
        for (var i = 0; i < _layout.ShardCount; i++) BaseRules.WriteShard(tx.On(_layout.Shards[i]), i, node.NodeIps);
        var applied = new Dictionary<string, RenderedService>(StringComparer.Ordinal);
        var elements = new Dictionary<(string, string), Claim>();
        foreach (var (key, ports) in services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var r = _renderer.Render(ports, endpoints, node.NodeIps);
            applied[key] = r;
            var shard = tx.On(_layout.ShardTableOf(key));
            foreach (var (set, timeout) in r.AffinitySets) shard.AddSet(set, "ipv4_addr", flags: "dynamic,timeout", timeoutSeconds: timeout);
            foreach (var chain in r.Chains.Keys) ChainTx(tx, key, chain).AddChain(chain);
            foreach (var (chain, rules) in r.Chains)
            {
                var t = ChainTx(tx, key, chain);
                foreach (var rule in rules) t.AddRule(chain, rule);
            }
            foreach (var ((set, k), v) in r.Elements)
            {
                if (elements.TryGetValue((set, k), out var claim)) { claim.Wanters++; continue; }
                elements[(set, k)] = new Claim(v, key);
                tx.On(ElementTable(set, key)).AddElement(set, k, v);
            }
        }
        return (applied, elements);
    }

    List<(string Key, RenderedService? Before, RenderedService? After)> WritePartial(NftTransaction tx,
        IReadOnlyDictionary<string, IReadOnlyList<ServicePortInfo>> services, EndpointsView endpoints, IReadOnlySet<string> changed)
    {
        var applied = _applied;
        var elements = _elements;
        var empty = new RenderedService();
        var diffs = new List<(string Key, RenderedService Old, RenderedService New)>();
        var undo = new List<(string, RenderedService?, RenderedService?)>();
        foreach (var key in changed.Order(StringComparer.Ordinal))
        {
            var before = applied.GetValueOrDefault(key);
            var after = services.TryGetValue(key, out var ports) ? _renderer.Render(ports, endpoints, node.NodeIps) : null;
            diffs.Add((key, before ?? empty, after ?? empty));
            undo.Add((key, before, after));
            if (after is not null) applied[key] = after; else applied.Remove(key);
        }
        // 1. new affinity sets and chains exist before any rule or element refers to them.
        foreach (var (key, old, @new) in diffs)
            foreach (var (set, timeout) in @new.AffinitySets.Where(s => !old.AffinitySets.ContainsKey(s.Key)))
                tx.On(_layout.ShardTableOf(key)).AddSet(set, "ipv4_addr", flags: "dynamic,timeout", timeoutSeconds: timeout);
        foreach (var (key, old, @new) in diffs)
            foreach (var chain in @new.Chains.Keys.Where(c => !old.Chains.ContainsKey(c))) ChainTx(tx, key, chain).AddChain(chain);
        // 2. chains whose rules differ are rewritten; identical ones are not touched.
        foreach (var (key, old, @new) in diffs)
            foreach (var (chain, rules) in @new.Chains)
            {
                var existed = old.Chains.TryGetValue(chain, out var before);
                if (existed && before!.SequenceEqual(rules)) continue;
                var t = ChainTx(tx, key, chain);
                if (existed) t.FlushChain(chain);
                foreach (var rule in rules) t.AddRule(chain, rule);
            }
        // 3. verdict-map elements: release what the changed Services owned, then claim what they now want.
        var released = new List<((string Set, string Key) Element, string? Value, string Owner)>();
        foreach (var (key, old, _) in diffs)
            foreach (var k in old.Elements.Keys)
            {
                var claim = elements[k];
                claim.Wanters--;
                if (claim.Owner != key) continue;
                released.Add((k, claim.Value, key));
                claim.Owner = null;
            }
        var deletes = new List<(string Table, string Set, string Key, string? Value)>();
        var adds = new List<(string Table, string Set, string Key, string? Value)>();
        foreach (var (key, _, @new) in diffs)
            foreach (var (k, v) in @new.Elements)
            {
                if (elements.TryGetValue(k, out var claim))
                {
                    claim.Wanters++;
                    if (claim.Owner is not null) continue;
                    (claim.Owner, claim.Value) = (key, v);
                }
                else elements[k] = new Claim(v, key);
                adds.Add((ElementTable(k.Set, key), k.Set, k.Key, v));
            }
        foreach (var (k, value, owner) in released)
        {
            deletes.Add((ElementTable(k.Set, owner), k.Set, k.Key, value));
            var claim = elements[k];
            if (claim.Owner is not null) continue;
            if (claim.Wanters == 0) { elements.Remove(k); continue; }
            // An element another Service still wants (an endpoint shared by two Services) passes to it.
            var heir = applied.First(a => !changed.Contains(a.Key) && a.Value.Elements.ContainsKey(k));
            (claim.Owner, claim.Value) = (heir.Key, heir.Value.Elements[k]);
            adds.Add((ElementTable(k.Set, heir.Key), k.Set, k.Key, claim.Value));
        }
        var unchanged = deletes.Intersect(adds).ToHashSet();
        foreach (var d in deletes.Where(d => !unchanged.Contains(d))) tx.On(d.Table).DeleteElement(d.Set, d.Key);
        foreach (var a in adds.Where(a => !unchanged.Contains(a))) tx.On(a.Table).AddElement(a.Set, a.Key, a.Value);
        // 4. chains and sets nothing refers to any more: empty them all, then delete them.
        var staleChains = diffs.SelectMany(d => d.Old.Chains.Keys.Where(c => !d.New.Chains.ContainsKey(c)).Select(c => (d.Key, Chain: c))).ToList();
        foreach (var (key, chain) in staleChains) ChainTx(tx, key, chain).FlushChain(chain);
        foreach (var (key, chain) in staleChains) ChainTx(tx, key, chain).DeleteChain(chain);
        foreach (var (key, old, @new) in diffs)
            foreach (var set in old.AffinitySets.Keys.Where(s => !@new.AffinitySets.ContainsKey(s))) tx.On(_layout.ShardTableOf(key)).DeleteSet(set, isMap: false);
        return undo;
    }

    /// <summary>
    /// UDP has no connection to close: conntrack keeps sending a flow to the endpoint it was DNATed to. As
    /// kube-proxy does, flush entries to endpoints that went away, and entries of a Service that had no endpoint.
    /// </summary>
    IEnumerable<Action> StaleUdp(RenderedService? before, RenderedService? after)
    {
        var now = (after?.UdpPorts ?? []).ToDictionary(p => p.Port.Id, p => p);
        foreach (var (port, eps) in before?.UdpPorts ?? [])
        {
            var current = now.TryGetValue(port.Id, out var n) ? n.Endpoints.Select(e => e.Ip).ToHashSet() : [];
            foreach (var gone in eps.Where(e => !current.Contains(e.Ip)).Select(e => e.Ip).Distinct())
            {
                foreach (var ip in new[] { port.ClusterIp }.Concat(port.ExternalIps).Concat(port.LoadBalancerIps))
                    yield return () => conntrack.ClearEntriesForNat(ip, gone);
                if (port.NodePort > 0) yield return () => conntrack.ClearEntriesForPortNat(port.NodePort, gone);
            }
        }
        var had = (before?.UdpPorts ?? []).Where(p => p.Endpoints.Count > 0).Select(p => p.Port.Id).ToHashSet();
        foreach (var (port, eps) in after?.UdpPorts ?? [])
            if (eps.Count > 0 && !had.Contains(port.Id) && before is not null)
                yield return () => conntrack.ClearEntriesForIp(port.ClusterIp);
    }
}
