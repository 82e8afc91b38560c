using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Proxy;
using Podway.Proxy.Nft;
using Podway.Proxy.Rules;
using Podway.Proxy.Tracking;

// Proxy sync benchmark: a full sync of N Services x M endpoints, then one changed Service (an added one, as in
// kube-proxy's published figure, and one whose endpoints change), against the REAL nft in a scratch network
// namespace named after a throwaway cluster (podway-NAME-bench), deleted afterwards.
// `policy [policies=1000] [pods=1000]` runs the NetworkPolicy sync benchmark instead (PolicySyncBench.cs).
if (args is ["policy", ..])
{
    await PolicySyncBench.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1000, args.Length > 2 ? int.Parse(args[2]) : 1000);
    return;
}
var services = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var endpointsPer = args.Length > 1 ? int.Parse(args[1]) : 10;
var shards = args.Length > 2 ? int.Parse(args[2]) : ProxyNodeInfo.DefaultShards;
var cluster = "pb" + Guid.NewGuid().ToString("N")[..5];
var netns = $"podway-{cluster}-bench";
Run("ip", "netns", "add", netns);
try
{
    var node = new ProxyNodeInfo { NodeName = "node-a", NodeIps = ["192.168.0.2"], ClusterPodCidr = "10.244.0.0/16", TableName = ProxyNodeInfo.TableFor(cluster), Shards = shards };
    var svc = new ServiceChangeTracker();
    var eps = new EndpointsChangeTracker(DateTimeOffset.UtcNow);
    for (var i = 0; i < services; i++) { svc.Update(null, Service(i)); eps.Update(Slice(i, endpointsPer, 0), removed: false); }
    var nft = new CountingNftables(new RealNftables(netns));
    var proxier = new NftProxier(nft, node, new NoConntrack());

    async Task<SyncResult> Sync()
    {
        var (a, s) = svc.TakeChanges();
        var (b, _, v) = eps.TakeChanges();
        return await proxier.SyncAsync(s, v, a.Concat(b).ToHashSet(), default);
    }

    Console.WriteLine($"podway proxy sync benchmark: {services} Services x {endpointsPer} endpoints over {shards} shard tables, real nft {NftVersion()} in netns {netns}");
    var full = await Sync();
    Report("full sync", full, nft, "kube-proxy nftables: minutes at this size (KEP-3866 scale notes)");
    // Five rounds, so one run shows the spread of the partial syncs.
    for (var round = 0; round < 5; round++)
    {
        var n = services + round;
        svc.Update(null, Service(n));
        eps.Update(Slice(n, endpointsPer, 0), removed: false);
        Report("one Service added", await Sync(), nft, "kube-proxy nftables: ~141 ms for one added Service at 10k Services");
        eps.Update(Slice(7 + round, endpointsPer, 1000), removed: false);
        Report("one Service's endpoints changed", await Sync(), nft, "");
        svc.Update(Service(n), null);
        eps.Update(Slice(n, endpointsPer, 0), removed: true);
        Report("one Service deleted", await Sync(), nft, "");
    }
    if (Environment.GetEnvironmentVariable("PODWAY_BENCH_PROBE") is not null)
    {
        // `nft list ruleset` alone takes tens of seconds at this size on a busy machine.
        var rules = Run("ip", "netns", "exec", netns, "sh", "-c", "nft list ruleset | wc -l").Trim();
        Console.WriteLine($"tables {node.TableName} and its {shards} shards have {rules} lines in `nft list ruleset`");
        foreach (var probe in new[] { $"list table ip {node.TableName} >/dev/null", $"-f - <<< 'add element ip {node.TableName} cluster-ips {{ 10.99.0.1 }}'", $"-f - <<< 'add chain ip {node.TableName} probe'" })
        {
            var sw = Stopwatch.StartNew();
            Run("ip", "netns", "exec", netns, "bash", "-c", "nft " + probe);
            Console.WriteLine($"probe nft {probe}: {sw.Elapsed.TotalMilliseconds:F0} ms");
        }
    }
}
finally
{
    // PODWAY_BENCH_KEEP leaves the netns for probing by hand (delete it with `ip netns delete`).
    if (Environment.GetEnvironmentVariable("PODWAY_BENCH_KEEP") is null) Run("ip", "netns", "delete", netns);
    else Console.WriteLine($"kept netns {netns}");
}

static void Report(string what, SyncResult r, CountingNftables nft, string peer) =>
    Console.WriteLine($"{what,-34} {r.Duration.TotalMilliseconds,10:F1} ms total, nft {nft.LastNft.TotalMilliseconds,9:F1} ms (cpu {nft.LastCpu.TotalMilliseconds,7:F1} ms), {r.Operations,8} nft operations, script {nft.LastBytes / 1024.0,9:F0} KiB   {peer}");

static JsonObject Service(int i) => new()
{
    ["kind"] = "Service",
    ["metadata"] = new JsonObject { ["namespace"] = $"ns{i % 100}", ["name"] = $"svc{i}" },
    ["spec"] = new JsonObject
    {
        ["type"] = i % 10 == 0 ? "NodePort" : "ClusterIP",
        ["clusterIP"] = Ip(96, i),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP", ["nodePort"] = i % 10 == 0 ? 30000 + i / 10 : null }),
    },
};

static JsonObject Slice(int i, int count, int shift) => new()
{
    ["kind"] = "EndpointSlice",
    ["metadata"] = new JsonObject { ["namespace"] = $"ns{i % 100}", ["name"] = $"svc{i}-abc", ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = $"svc{i}" } },
    ["addressType"] = "IPv4",
    ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080, ["protocol"] = "TCP" }),
    ["endpoints"] = new JsonArray([.. Enumerable.Range(0, count).Select(e => (JsonNode)new JsonObject
    {
        ["addresses"] = new JsonArray(Ip(244, i * count + e + shift)),
        ["conditions"] = new JsonObject { ["ready"] = true },
        ["nodeName"] = e % 2 == 0 ? "node-a" : "node-b",
    })]),
};

static string Ip(int second, int n) => $"10.{second}.{(n >> 8) & 255}.{n & 255}" is var s && second == 244 ? $"10.{244 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}" : $"10.96.{(n >> 8) & 255}.{n & 255}";

static string NftVersion() => Run("nft", "--version").Trim();

static string Run(string file, params string[] args)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var o = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return o;
}

sealed class CountingNftables(INftables inner) : INftables
{
    public TimeSpan LastNft { get; private set; }
    /// <summary>User + system CPU of the nft process (and the kernel commit it runs): unlike wall time, barely
    /// moved by other load on the machine. Children's rusage counts once they are reaped, as nft is here.</summary>
    public TimeSpan LastCpu { get; private set; }
    public int LastBytes { get; private set; }
    public async Task RunAsync(NftTransaction tx, CancellationToken ct = default)
    {
        var cpu = ChildrenCpu();
        LastList = TimeSpan.Zero;
        var sw = Stopwatch.StartNew();
        await inner.RunAsync(tx, ct);
        LastNft = sw.Elapsed;
        LastCpu = ChildrenCpu() - cpu;
        LastBytes = tx.Script.Length;
    }
    /// <summary>Wall time of the chain listings (rule handles) since the last transaction.</summary>
    public TimeSpan LastList { get; private set; }

    public async Task<string?> ListChainWithHandlesAsync(string family, string table, string chain, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var listing = await inner.ListChainWithHandlesAsync(family, table, chain, ct);
        LastList += sw.Elapsed;
        return listing;
    }

    static TimeSpan ChildrenCpu()
    {
        var usage = new long[18]; // struct rusage: ru_utime, ru_stime (timeval: sec, usec), then 14 longs
        if (GetRusage(-1 /* RUSAGE_CHILDREN */, usage) != 0) return TimeSpan.Zero;
        return TimeSpan.FromMicroseconds((usage[0] + usage[2]) * 1_000_000.0 + usage[1] + usage[3]);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    static extern int GetRusage(int who, [System.Runtime.InteropServices.Out] long[] usage);
}

sealed class NoConntrack : IConntrack
{
    public void ClearEntriesForIp(string serviceIp) { }
    public void ClearEntriesForNat(string originalDst, string endpointIp) { }
    public void ClearEntriesForPortNat(int nodePort, string endpointIp) { }
}
