using System.Net;
using System.Text.Json.Nodes;
using Podway.Dns.Forward;
using Podway.Dns.Server;
using Podway.Dns.Zone;

// Usage: Podway.Bench.Dns LISTEN SERVICES OUTDIR [UPSTREAM]
// Builds a zone of SERVICES ClusterIP Services (10 namespaces) and serves it on LISTEN until stdin closes, forwarding
// other names to UPSTREAM; writes OUTDIR/unbound-zone.conf (the same names as unbound local-data, and 200 names
// under example. that only unbound has), OUTDIR/queries.txt (dnsperf input, cluster names) and
// OUTDIR/forwarded-queries.txt (the example. names: podway forwards them to UPSTREAM, then answers from its cache).
var listen = IPEndPoint.Parse(args[0]);
int services = int.Parse(args[1]);
var outDir = args[2];
IPEndPoint[] upstream = args.Length > 3 ? [IPEndPoint.Parse(args[3])] : [];

var zone = new ClusterZone();
var localData = new List<string> { "local-zone: \"cluster.local.\" static" };
var queries = new List<string>();
for (int i = 0; i < services; i++)
{
    string ns = $"ns-{i % 10}", name = $"svc-{i}", ip = $"10.96.{(i >> 8) & 0xFF}.{(i & 0xFF) + 0}";
    zone.SetService(new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["clusterIP"] = ip, ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP" }) },
    });
    localData.Add($"local-data: \"{name}.{ns}.svc.cluster.local. 5 IN A {ip}\"");
    localData.Add($"local-data: \"_http._tcp.{name}.{ns}.svc.cluster.local. 5 IN SRV 0 100 80 {name}.{ns}.svc.cluster.local.\"");
    queries.Add($"{name}.{ns}.svc.cluster.local A");
    if (i % 10 == 0) queries.Add($"_http._tcp.{name}.{ns}.svc.cluster.local SRV");
    if (i % 10 == 5) queries.Add($"missing-{i}.{ns}.svc.cluster.local A");
}
var forwarded = new List<string>();
localData.Add("local-zone: \"example.\" static");
for (int i = 0; i < 200; i++)
{
    localData.Add($"local-data: \"ext-{i}.example. 30 IN A 192.0.2.{i % 250 + 1}\"");
    forwarded.Add($"ext-{i}.example A");
}
File.WriteAllLines(Path.Combine(outDir, "unbound-zone.conf"), localData);
File.WriteAllLines(Path.Combine(outDir, "queries.txt"), queries);
File.WriteAllLines(Path.Combine(outDir, "forwarded-queries.txt"), forwarded);

await using var server = new DnsServer(zone, new UpstreamForwarder(upstream), listen);
server.Start();
Console.WriteLine($"serving {services} services on {server.LocalEndPoint}");
await Console.In.ReadToEndAsync();
Console.WriteLine($"queries {server.Queries}, forwarded {server.Forwarded}, from the forward cache {server.Cached}, dropped {server.Dropped}");
