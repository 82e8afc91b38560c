using System.Collections.Concurrent;
using System.Diagnostics;

namespace Podway.Bench.Services;

/// <summary>
/// Network programming latency, Pod Ready to reachable through its ClusterIP. Each iteration makes a Service that
/// selects only that iteration's Pod (label idx=I), so the first HTTP answer through the ClusterIP means the proxy
/// programmed exactly that endpoint. The probe runs in a client Pod's network namespace (what an application sees).
/// </summary>
internal sealed class ProgrammingLatency(ClusterApi api, string cluster)
{
    const string Histogram = "kubeproxy_network_programming_duration_seconds";

    public async Task RunAsync(int pods, bool fromNode)
    {
        var ns = await api.NewNamespaceAsync("netprog");
        try { await MeasureAsync(ns, pods, fromNode); }
        finally { await api.DeleteNamespaceAsync(ns); }
    }

    async Task MeasureAsync(string ns, int pods, bool fromNode)
    {
        var netns = $"podway-{cluster}-n0";
        if (!fromNode)
        {
            await api.CreateAsync($"/api/v1/namespaces/{ns}/pods",
                """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"client"},"spec":{"containers":[{"name":"c","image":"curlimages/curl","command":["sleep","3600"]}]}}""");
            var client = await api.WaitReadyAsync(ns, "client", TimeSpan.FromMinutes(2));
            var uid = client["metadata"]!["uid"]!.GetValue<string>();
            netns = $"podway-{cluster}-pod-{uid[..12]}";
            if (!File.Exists($"/run/netns/{netns}")) throw new InvalidOperationException($"client Pod's network namespace {netns} not found");
        }

        var ready = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
        TaskCompletionSource<long> ReadySlot(string pod) => ready.GetOrAdd(pod, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        using var stopWatch = new CancellationTokenSource();
        var watch = api.WatchReadyAsync(ns, (pod, at) => ReadySlot(pod).TrySetResult(at), stopWatch.Token);

        var nodeNetns = $"podway-{cluster}-n0"; // the proxy serves /metrics on the node's loopback only
        var before = await ProxyHistogram.ScrapeAsync(nodeNetns, Histogram);
        var latencies = new List<double>();
        var serviceLatencies = new List<double>();
        var failures = 0;
        // The Service's REJECT is timed from the node's netns: the ICMP port unreachable it sends to a Pod is
        // rate-limited by the kernel (icmp_ratelimit, about one a second once the Pod's probe has spent the burst on
        // the previous Service), one to the node's own address is not.
        await using var servicePoller = new ReachabilityPoller($"podway-{cluster}-n0");
        await using (var poller = new ReachabilityPoller(netns))
        {
            for (var i = 0; i < pods; i++)
            {
                var name = $"lat-{i}";
                var serviceCreated = Stopwatch.GetTimestamp();
                var svc = await api.CreateAsync($"/api/v1/namespaces/{ns}/services",
                    $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}"},"spec":{"selector":{"app":"lat","idx":"{{{i}}}"},"ports":[{"port":80,"targetPort":8080}]}}""");
                var clusterIp = svc["spec"]!["clusterIP"]!.GetValue<string>();
                var refused = servicePoller.Probe(name, clusterIp, 80, untilRefused: true).Refused;
                var reachable = poller.Probe(name, clusterIp, 80).Reachable;
                // The Service itself programmed first (REJECT while it has no endpoints), so the figure below is the
                // endpoint's programming alone.
                if (await Task.WhenAny(refused, Task.Delay(TimeSpan.FromSeconds(30))) == refused)
                    serviceLatencies.Add(Ms(serviceCreated, refused.Result));
                await api.CreateAsync($"/api/v1/namespaces/{ns}/pods",
                    $$$"""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{"app":"lat","idx":"{{{i}}}"}},
                     "spec":{"containers":[{"name":"c","image":"registry.k8s.io/e2e-test-images/agnhost:2.53","args":["netexec","--http-port=8080"],
                       "readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":1}}]}}
                    """);
                try
                {
                    var readyAt = await ReadySlot(name).Task.WaitAsync(TimeSpan.FromMinutes(2));
                    var reachableAt = await reachable.WaitAsync(TimeSpan.FromMinutes(2));
                    latencies.Add(Ms(readyAt, reachableAt));
                }
                catch (TimeoutException)
                {
                    failures++;
                    Console.Error.WriteLine($"{name}: not Ready or not reachable through {clusterIp} in 2 minutes");
                }
                if ((i + 1) % 20 == 0) Console.Error.WriteLine($"  {i + 1}/{pods} Pods measured");
            }
        }
        var after = await ProxyHistogram.ScrapeAsync(nodeNetns, Histogram);
        stopWatch.Cancel();
        try { await watch; } catch (OperationCanceledException) { }

        var sorted = latencies.Order().ToArray();
        var services = serviceLatencies.Order().ToArray();
        Console.WriteLine($"network programming latency ({(fromNode ? "probe in the node's netns" : "probe in a client Pod's netns")}, one Service per Pod, HTTP probe every ~10 ms):");
        Console.WriteLine($"  Pod Ready (watch) -> first HTTP answer through its ClusterIP, {sorted.Length} Pods{(failures > 0 ? $" ({failures} failed)" : "")}: " +
            $"p50 {Stats.Percentile(sorted, 50):F0} ms, p99 {Stats.Percentile(sorted, 99):F0} ms, min {sorted.FirstOrDefault():F0} ms, max {sorted.LastOrDefault():F0} ms");
        Console.WriteLine($"  Service created -> its ClusterIP REJECTs (no endpoints yet; probed from the node's netns), {services.Length} Services: " +
            $"p50 {Stats.Percentile(services, 50):F0} ms, p99 {Stats.Percentile(services, 99):F0} ms");
        if (after == null)
            Console.WriteLine($"  {Histogram}: not served at 127.0.0.1:10249/metrics in {nodeNetns}");
        else
        {
            var run = after.Since(before);
            Console.WriteLine($"  the proxy's own {Histogram} during the run: {run.Count:F0} observations, mean {1000 * run.Sum / Math.Max(1, run.Count):F0} ms, " +
                $"p50 ~{1000 * run.Quantile(0.50):F0} ms, p99 ~{1000 * run.Quantile(0.99):F0} ms (bucket-interpolated; buckets 250 ms, 500 ms, 1 s, 2 s...)");
        }
        Console.WriteLine("  Kubernetes SLI (sig-scalability/slos/network_programming_latency.md, status WIP): \"Latency of programming a single " +
            "in-cluster load balancing mechanism, measured from when service spec or list of its Ready pods change to when it is reflected " +
            "in load balancing mechanism, measured as 99th percentile over last 5 minutes\"; SLO: \"99th percentile ... per cluster-day <= X\" " +
            "(no number set yet).");
    }

    static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
