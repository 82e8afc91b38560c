using System.Text;
using static Podway.Proxy.Rules.ProxyNames;

namespace Podway.Proxy.Rules;

/// <summary>
/// Which table holds what. The kernel re-validates every chain reachable from a table's base chains whenever a
/// verdict rule or `goto` element is added to that table, so the Services' DNAT paths are spread over
/// <see cref="ShardCount"/> shard tables `MAIN-sNN` (by a stable hash of namespace/name), each with its own nat
/// base chains, `services` dispatch and `service-ips` / `service-nodeports` maps: a partial sync commits to one
/// shard and the kernel walks only that shard's rules. The main table keeps the shared parts: the filter chains
/// (no-endpoint REJECT/DROP, firewall, Service CIDR checks), masquerading and the hairpin set.
/// </summary>
internal sealed class TableLayout
{
    public TableLayout(string mainTable, int shardCount)
    {
        if (shardCount is < 1 or > 99) throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, "the proxy's shard count must be 1..99");
        Main = mainTable;
        ShardCount = shardCount;
        Shards = [.. Enumerable.Range(0, shardCount).Select(i => $"{mainTable}-s{i:D2}")];
    }

    public string Main { get; }
    public int ShardCount { get; }
    /// <summary>Shard table names, index = shard number.</summary>
    public IReadOnlyList<string> Shards { get; }
    public IEnumerable<string> All => Shards.Prepend(Main);
    /// <summary>Every shard name any shard count could have used (s00..s98), for deleting an earlier layout's shards.</summary>
    public IEnumerable<string> AllPossibleShards => Enumerable.Range(0, 99).Select(i => $"{Main}-s{i:D2}");

    /// <summary>The shard of a Service ("namespace/name"): FNV-1a of its key, so every process agrees.</summary>
    public int ShardOf(string serviceKey)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(serviceKey)) hash = (hash ^ b) * 16777619u;
        return (int)(hash % (uint)ShardCount);
    }

    public string ShardTableOf(string serviceKey) => Shards[ShardOf(serviceKey)];

    /// <summary>
    /// Nat chains all run inside nf_nat's own hook (dstnat -100), ordered among themselves by their priority, and
    /// the first one that DNATs wins (nf_nat_inet_fn stops once the connection has a binding). Each shard gets its
    /// own priority so that order is fixed; a key is only ever in one shard's map, so the order never decides.
    /// </summary>
    public static int NatPriority(int shard) => -100 + shard;

    /// <summary>Per-Service objects in the main table: firewall chains (reached from filter chains there).</summary>
    public static bool ChainInMain(string chain) => chain.StartsWith("firewall-", StringComparison.Ordinal);

    /// <summary>Of the maps and sets Services add elements to, the DNAT dispatch maps are per shard, the rest in the
    /// main table. (A Service's own affinity sets are in its shard, beside the chains that use them.)</summary>
    public static bool SetInShard(string set) => set is ServiceIpsMap or ServiceNodePortsMap;
}
