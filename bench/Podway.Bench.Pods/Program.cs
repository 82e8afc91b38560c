using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Podway.Bench.Api;

// Node benchmark on a running cluster:
//  1. Pod startup latency: 100 Pods (built-in pause image, no probes) created at a steady 5 per second, as the
//     SLO's latency phase measures it (kube's density test creates its latency pods slowly, after saturation);
//     latency from the create call to the Ready condition seen through a watch, p50/p99 beside the SLO (p99 <= 5 s).
//  2. Memory per Pod: 200 Pods of a built-in image running at once; the proportional set size (PSS, shared pages
//     split between their users) of every process in the Pods' network namespaces, divided by 200.
if (args.Length < 2) throw new ArgumentException("usage: Podway.Bench.Pods <kubeconfig> <cluster-name> [startup-pods=100] [memory-pods=200]");
var config = Kubeconfig.Load(args[0]);
var cluster = args[1];
var startupPods = args.Length > 2 ? int.Parse(args[2]) : 100;
var memoryPods = args.Length > 3 ? int.Parse(args[3]) : 200;
using var http = config.CreateClient();

var latencies = await StartupLatencyAsync(startupPods);
Console.WriteLine($"pod startup: {startupPods} Pods (registry.k8s.io/pause) at 5/s, create -> Ready: p50 {Pct(latencies, 50):F0} ms, p99 {Pct(latencies, 99):F0} ms, max {latencies[^1]:F0} ms   (Kubernetes SLO: p99 <= 5000 ms) {(Pct(latencies, 99) <= 5000 ? "MET" : "MISSED")}");
foreach (var image in memoryPods > 0 ? new[] { "registry.k8s.io/pause", "nginx:1.25-alpine", "registry.k8s.io/e2e-test-images/agnhost:2.53" } : [])
{
    var (perPod, pods) = await MemoryPerPodAsync(image, memoryPods);
    Console.WriteLine($"memory: {pods} Pods of {image} running: {perPod / 1024.0:F1} MiB PSS per Pod (sandbox holder + container processes)");
}
return 0;

async Task<double[]> StartupLatencyAsync(int count)
{
    var ns = await NewNamespaceAsync("startup");
    var created = new Dictionary<string, long>();
    var ready = new Dictionary<string, long>();
    var allReady = new TaskCompletionSource();
    var rv = await CurrentRevisionAsync(ns);
    using var watchCts = new CancellationTokenSource();
    var watch = Task.Run(async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={rv}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchCts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchCts.Token));
        while (await reader.ReadLineAsync(watchCts.Token) is { } line)
        {
            var now = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(line);
            var pod = doc.RootElement.GetProperty("object");
            var name = pod.GetProperty("metadata").GetProperty("name").GetString()!;
            if (!IsReady(pod)) continue;
            lock (ready)
            {
                if (!ready.TryAdd(name, now)) continue;
                if (ready.Count == count) allReady.TrySetResult();
            }
        }
    });
    using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
    var creates = new List<Task>();
    for (var i = 0; i < count; i++)
    {
        var name = $"p{i}";
        lock (created) created[name] = Stopwatch.GetTimestamp();
        creates.Add(SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"containers":[{"name":"c","image":"registry.k8s.io/pause"}]}}"""));
        await pace.WaitForNextTickAsync();
    }
    await Task.WhenAll(creates);
    await allReady.Task.WaitAsync(TimeSpan.FromMinutes(5));
    watchCts.Cancel();
    try { await watch; } catch (OperationCanceledException) { }
    var result = created.Select(kv => Stopwatch.GetElapsedTime(kv.Value, ready[kv.Key]).TotalMilliseconds).Order().ToArray();
    await DeleteNamespaceAsync(ns);
    return result;
}

async Task<(double KiBPerPod, int Pods)> MemoryPerPodAsync(string image, int count)
{
    var ns = await NewNamespaceAsync("memory");
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
    {
        for (var i = w; i < count; i += 8)
            await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
                $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"m{{{i}}}"},"spec":{"containers":[{"name":"c","image":"{{{image}}}"}]}}""");
    }));
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (await ReadyCountAsync(ns) < count)
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"{count} Pods of {image} not Ready in 5 minutes");
        await Task.Delay(1000);
    }
    await Task.Delay(2000); // let the processes settle after start-up
    var totalKiB = PodNamespaces().SelectMany(NamespacePids).Distinct().Sum(PssKiB);
    await DeleteNamespaceAsync(ns);
    return (totalKiB / count, count);
}

IEnumerable<string> PodNamespaces() =>
    Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])
        .Where(n => n.StartsWith($"podway-{cluster}-pod-", StringComparison.Ordinal));

IEnumerable<int> NamespacePids(string ns) =>
    Run("ip", "netns", "pids", ns).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

static long PssKiB(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:"));
        return line == null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }
    catch (IOException) { return 0; }
}

static string Run(string file, params string[] args)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return output;
}

static bool IsReady(JsonElement pod) =>
    pod.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions) &&
    conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");

async Task<int> ReadyCountAsync(string ns)
{
    using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods"));
    return doc.RootElement.GetProperty("items").EnumerateArray().Count(IsReady);
}

async Task<string> NewNamespaceAsync(string prefix)
{
    var ns = $"bench-{prefix}-{Guid.NewGuid().ToString("N")[..5]}";
    await SendAsync(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
    return ns;
}

async Task DeleteNamespaceAsync(string ns)
{
    await SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}", null);
    for (var i = 0; i < 120 && (await http.GetAsync($"/api/v1/namespaces/{ns}")).IsSuccessStatusCode; i++) await Task.Delay(500);
}

async Task<string> CurrentRevisionAsync(string ns)
{
    using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods?limit=1"));
    return doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
}

async Task SendAsync(HttpMethod method, string path, string? json)
{
    using var request = new HttpRequestMessage(method, path);
    if (json != null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    using var response = await http.SendAsync(request);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

static double Pct(double[] sorted, int p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
