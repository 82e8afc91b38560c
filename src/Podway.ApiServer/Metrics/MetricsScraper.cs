using System.Collections.Concurrent;
using Podway.Api.Resources;
using Podway.ApiServer.Proxy;
using Podway.Storage;

namespace Podway.ApiServer.Metrics;

/// <summary>A Pod's usage: each container's CPU (cores, averaged over the window) and memory working set (bytes).</summary>
internal sealed record PodUsage(DateTimeOffset Time, TimeSpan Window, IReadOnlyList<(string Container, double Cores, double MemoryBytes)> Containers);

internal sealed record NodeUsage(DateTimeOffset Time, TimeSpan Window, double Cores, double MemoryBytes);

/// <summary>
/// metrics-server inside the API server: every resolution it scrapes each Node's kubelet /metrics/resource and keeps
/// the last two scrapes per node; CPU usage is the counter's rate between them, memory the latest working set. A
/// Pod or node with fewer than two readings has no metrics yet, as with metrics-server.
/// </summary>
internal sealed class MetricsScraper : IAsyncDisposable
{
    readonly IObjectStore _store;
    readonly TimeSpan _resolution;
    readonly HttpClient _http;
    readonly ConcurrentDictionary<string, (KubeletResourceScrape? Previous, KubeletResourceScrape Latest)> _nodes = new();
    readonly CancellationTokenSource _stop = new();
    Task _loop = Task.CompletedTask;

    public MetricsScraper(IObjectStore store, KubeletConnector kubelets, TimeSpan resolution)
    {
        _store = store;
        _resolution = resolution;
        // A slow kubelet must not hold up the other nodes' scrapes past the next round.
        _http = kubelets.CreateHttpClient(TimeSpan.FromTicks(Math.Max(resolution.Ticks / 2, TimeSpan.FromSeconds(1).Ticks)));
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_resolution);
        try
        {
            do
            {
                // One bad round (a store read, a kubelet's odd answer) must not end the scraping for good.
                try { await ScrapeAllAsync(ct); }
                catch (Exception e) when (e is not OperationCanceledException) { }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    async Task ScrapeAllAsync(CancellationToken ct)
    {
        var nodes = _store.List(BuiltinResources.Node.StorageKey, null).Items.Select(n => n.Parse()).ToList();
        var names = nodes.Select(n => n["metadata"]?["name"]?.GetValue<string>() ?? "").ToHashSet();
        foreach (var gone in _nodes.Keys.Where(k => !names.Contains(k))) _nodes.TryRemove(gone, out _);
        await Task.WhenAll(nodes.Select(async node =>
        {
            var name = node["metadata"]?["name"]?.GetValue<string>() ?? "";
            var (host, port) = KubeletTarget.Endpoint(node);
            if (host is null) return;
            try
            {
                using var response = await _http.GetAsync(KubeletConnector.Url(host, port, "/metrics/resource"), ct);
                if (!response.IsSuccessStatusCode) return;
                var scrape = KubeletResourceScrape.Parse(await response.Content.ReadAsStringAsync(ct), DateTimeOffset.UtcNow);
                _nodes.AddOrUpdate(name, (null, scrape), (_, old) => (old.Latest, scrape));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // An unreachable kubelet keeps its last readings; they age out of use when the node is deleted.
            }
        }));
    }

    public NodeUsage? Node(string name)
    {
        if (!_nodes.TryGetValue(name, out var s) || s.Previous?.NodeCpu is not { } before || s.Latest.NodeCpu is not { } after) return null;
        if (s.Latest.NodeMemory is not { } memory || Rate(before, after) is not { } cores) return null;
        return new NodeUsage(after.Time, after.Time - before.Time, cores, memory.Value);
    }

    public PodUsage? Pod(string ns, string name)
    {
        foreach (var (previous, latest) in _nodes.Values)
        {
            if (previous is null || !latest.Pods.TryGetValue((ns, name), out var containers)) continue;
            var usage = new List<(string, double, double)>();
            DateTimeOffset time = default;
            var window = TimeSpan.Zero;
            foreach (var c in containers)
            {
                if (c.Cpu is not { } after || c.Memory is not { } memory) return null;
                var before = previous.Containers.GetValueOrDefault((ns, name, c.Container)) is { StartTime: var start, Cpu: { } b } && start == c.StartTime
                    ? b
                    : new Reading(0, DateTimeOffset.FromUnixTimeMilliseconds((long)(c.StartTime * 1000))); // started since the last scrape
                if (Rate(before, after) is not { } cores) return null;
                usage.Add((c.Container, cores, memory.Value));
                if (after.Time > time) (time, window) = (after.Time, after.Time - before.Time);
            }
            return new PodUsage(time, window, usage);
        }
        return null;
    }

    static double? Rate(Reading before, Reading after)
    {
        var seconds = (after.Time - before.Time).TotalSeconds;
        return seconds > 0 && after.Value >= before.Value ? (after.Value - before.Value) / seconds : null;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _http.Dispose();
        _stop.Dispose();
    }
}
