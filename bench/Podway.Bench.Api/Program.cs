using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Podway.Bench.Api;

// API server benchmark: create N Pod objects with C concurrent clients, list them, and watch them with 10 watchers
// that must each see every creation. Prints throughput and p50/p99 latencies beside the Kubernetes SLOs
// (p99 of mutating API calls <= 1 s; p99 of list calls <= 30 s cluster-wide). The Pods name a scheduler that does
// not exist, so they stay unscheduled objects: this measures the API server, not the node.
var kubeconfigPath = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Podway.Bench.Api <kubeconfig> [pods=10000] [concurrency=32]");
var pods = args.Length > 1 ? int.Parse(args[1]) : 10_000;
var concurrency = args.Length > 2 ? int.Parse(args[2]) : 32;
const int Watchers = 10;
const string PodJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME","labels":{"app":"bench","shard":"SHARD"}},"spec":{"schedulerName":"none","containers":[{"name":"web","image":"nginx:1.25-alpine","ports":[{"containerPort":80}],"readinessProbe":{"httpGet":{"path":"/","port":80}}}]}}""";
var ns = "bench-" + Guid.NewGuid().ToString("N")[..6];

var config = Kubeconfig.Load(kubeconfigPath);
using var http = config.CreateClient();
await Send(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");

// Watchers start from the namespace's current revision and count ADDED events until they saw every Pod.
var startRv = await CurrentRevision();
var watchTasks = Enumerable.Range(0, Watchers).Select(_ => Watch(startRv)).ToArray();

var latencies = new double[pods];
var next = -1;
var total = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < pods)
    {
        var body = PodJson.Replace("NAME", $"pod-{i}").Replace("SHARD", (i % 10).ToString());
        var sw = Stopwatch.StartNew();
        await Send(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", body);
        latencies[i] = sw.Elapsed.TotalMilliseconds;
    }
}));
var createSeconds = total.Elapsed.TotalSeconds;

var watchSw = Stopwatch.StartNew();
var watchDone = await Task.WhenAll(watchTasks);
var watchLag = watchSw.Elapsed.TotalMilliseconds;

var listLatencies = new List<double>();
for (var r = 0; r < 5; r++)
{
    var sw = Stopwatch.StartNew();
    var count = await ListCount();
    listLatencies.Add(sw.Elapsed.TotalMilliseconds);
    if (count != pods) throw new InvalidOperationException($"list returned {count} pods, expected {pods}");
}

Array.Sort(latencies);
listLatencies.Sort();
Console.WriteLine($"podway API benchmark: {pods} Pods, {concurrency} concurrent writers, {Watchers} watchers");
Console.WriteLine($"create:  {pods / createSeconds,8:F0} objects/s   p50 {Pct(latencies, 50),7:F1} ms   p99 {Pct(latencies, 99),7:F1} ms   (Kubernetes SLO: p99 mutating call <= 1000 ms) {(Pct(latencies, 99) <= 1000 ? "MET" : "MISSED")}");
Console.WriteLine($"list:    {pods} Pods in p50 {Pct(listLatencies.ToArray(), 50),7:F1} ms   max {listLatencies[^1],7:F1} ms   (Kubernetes SLO: p99 list <= 30000 ms) {(listLatencies[^1] <= 30000 ? "MET" : "MISSED")}");
Console.WriteLine($"watch:   {Watchers} watchers each saw all {watchDone.Min()} creations; last one {watchLag:F0} ms after the final create returned");

await Send(HttpMethod.Delete, $"/api/v1/namespaces/{ns}", null);
return 0;

static double Pct(double[] sorted, int p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

async Task Send(HttpMethod method, string path, string? json)
{
    using var request = new HttpRequestMessage(method, path);
    if (json != null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    using var response = await http.SendAsync(request);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

async Task<string> CurrentRevision()
{
    var json = await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods?limit=1");
    var marker = "\"resourceVersion\":\"";
    var at = json.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
    return json[at..json.IndexOf('"', at)];
}

async Task<int> ListCount()
{
    using var stream = await http.GetStreamAsync($"/api/v1/namespaces/{ns}/pods");
    using var doc = await System.Text.Json.JsonDocument.ParseAsync(stream);
    return doc.RootElement.GetProperty("items").GetArrayLength();
}

async Task<int> Watch(string rv)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={rv}&allowWatchBookmarks=true");
    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
    var added = 0;
    while (added < pods && await reader.ReadLineAsync() is { } line)
        if (line.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal)) added++;
    return added;
}
