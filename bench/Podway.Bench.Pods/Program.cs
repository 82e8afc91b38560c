using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Podway.Bench.Api;

// Node benchmark on a running cluster:
//  1. Pod startup latency: 100 Pods (built-in pause image, no probes) created at a steady 5 per second, as the
//     SLO's latency phase measures it (kube's density test creates its latency pods slowly, after saturation);
//     latency from the create call to the Ready condition seen through a watch, p50/p99 beside the SLO (p99 <= 5 s).
//  2. Memory per Pod: 200 Pods of a built-in image running at once; the proportional set size (PSS, shared pages
//     split between their users) of every process of those Pods, divided by 200. A Pod's processes are those in its
//     network namespace and those in its cgroup (podway-<cluster>/<node>/pod<uid>, where a runtime shim or monitor
//     outside the network namespace lives); other Pods (cluster DNS, edge) are not counted.
// Options: --rate N (Pods created per second in part 1, default 5); --memory-images "IMAGE [COMMAND ARG...];..." (the
// images of part 2, default pause, nginx, agnhost); --results FILE (tab-separated lines: "latency MS" per Pod,
// "startup P50 P99 MAX", "memory IMAGE KIB-PER-POD PROCESSES-PER-POD", for scripts such as bench/isolation.sh).
var positional = new List<string>();
var rate = 5.0;
string[] memoryImages = ["registry.k8s.io/pause", "nginx:1.25-alpine", "registry.k8s.io/e2e-test-images/agnhost:2.53"];
string? resultsPath = null;
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--rate": rate = double.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--memory-images": memoryImages = args[++a].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
        case "--results": resultsPath = args[++a]; break;
        default: positional.Add(args[a]); break;
    }
}
if (positional.Count < 2 || rate <= 0)
    throw new ArgumentException("usage: Podway.Bench.Pods <kubeconfig> <cluster-name> [startup-pods=100] [memory-pods=200] [--rate 5] [--memory-images \"IMAGE [CMD...];...\"] [--results FILE]");
var config = Kubeconfig.Load(positional[0]);
var cluster = positional[1];
var startupPods = positional.Count > 2 ? int.Parse(positional[2]) : 100;
var memoryPods = positional.Count > 3 ? int.Parse(positional[3]) : 200;
// One HTTP/2 connection, as client-go's: over HTTP/1.1 a burst of creates opened 64 TLS connections, and the client's
// and the server's handshakes took CPU from the Pods being measured.
using var http = config.CreateClient(http2: true);
var results = new StringBuilder();
var inv = CultureInfo.InvariantCulture;

if (startupPods > 0)
{
    var latencies = await StartupLatencyAsync(startupPods);
    Console.WriteLine($"pod startup: {startupPods} Pods (registry.k8s.io/pause) at {rate:0.##}/s, create -> Ready: p50 {Pct(latencies, 50):F0} ms, p99 {Pct(latencies, 99):F0} ms, max {latencies[^1]:F0} ms   (Kubernetes SLO: p99 <= 5000 ms) {(Pct(latencies, 99) <= 5000 ? "MET" : "MISSED")}");
    foreach (var l in latencies) results.Append(inv, $"latency\t{l:F2}\n");
    results.Append(inv, $"startup\t{Pct(latencies, 50):F2}\t{Pct(latencies, 99):F2}\t{latencies[^1]:F2}\n");
}
foreach (var entry in memoryPods > 0 ? memoryImages : [])
{
    var words = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    var (perPod, processes, pods) = await MemoryPerPodAsync(words[0], words[1..], memoryPods);
    Console.WriteLine($"memory: {pods} Pods of {entry} running: {perPod / 1024.0:F2} MiB PSS per Pod, {processes:F1} processes per Pod (sandbox holder, shim, runtime monitor, container processes)");
    results.Append(inv, $"memory\t{entry}\t{perPod:F0}\t{processes:F2}\n");
}
if (resultsPath != null) File.WriteAllText(resultsPath, results.ToString());
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
    using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate));
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

async Task<(double KiBPerPod, double ProcessesPerPod, int Pods)> MemoryPerPodAsync(string image, string[] command, int count)
{
    var ns = await NewNamespaceAsync("memory");
    var commandJson = command.Length == 0 ? "" : $",\"command\":{new System.Text.Json.Nodes.JsonArray([.. command.Select(c => (System.Text.Json.Nodes.JsonNode?)c)]).ToJsonString()}";
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
    {
        for (var i = w; i < count; i += 8)
            await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
                $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"m{{{i}}}"},"spec":{"containers":[{"name":"c","image":"{{{image}}}"{{{commandJson}}}}]}}""");
    }));
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (await ReadyCountAsync(ns) < count)
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"{count} Pods of {image} not Ready in 5 minutes");
        await Task.Delay(1000);
    }
    await Task.Delay(2000); // let the processes settle after start-up
    var pids = await PodPidsAsync(ns);
    var totalKiB = pids.Sum(PssKiB);
    await DeleteNamespaceAsync(ns);
    return (totalKiB / count, pids.Count / (double)count, count);
}

// The processes of the namespace's Pods: in a Pod's network namespace (podway-<cluster>-pod-<uid[..12]>), in its
// cgroup (.../pod<uid>/... in any hierarchy), or a container's shim, which may be in neither (it names the run's files,
// <node state>/pods/<uid>/<container>/<attempt>, in its command line).
async Task<HashSet<int>> PodPidsAsync(string ns)
{
    using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/namespaces/{ns}/pods"));
    var uids = doc.RootElement.GetProperty("items").EnumerateArray()
        .Select(p => p.GetProperty("metadata").GetProperty("uid").GetString()!).ToList();
    var pids = new HashSet<int>(uids.SelectMany(uid => NamespacePids($"podway-{cluster}-pod-{uid[..Math.Min(12, uid.Length)]}")));
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
        string cgroups, cmdline;
        try { (cgroups, cmdline) = (File.ReadAllText($"{dir}/cgroup"), File.ReadAllText($"{dir}/cmdline")); }
        catch (IOException) { continue; }
        if (uids.Any(uid => cgroups.Contains($"/podway-{cluster}/", StringComparison.Ordinal) &&
                            (cgroups.Contains($"/pod{uid}/", StringComparison.Ordinal) || cgroups.Contains($"/pod{uid}\n", StringComparison.Ordinal)) ||
                            cmdline.Contains($"/pods/{uid}/", StringComparison.Ordinal)))
            pids.Add(pid);
    }
    return pids;
}

IEnumerable<int> NamespacePids(string netns) =>
    Run("ip", "netns", "pids", netns).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

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
