using System.Net;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Proxy.Metrics;
using Podway.Proxy.Nft;
using Podway.Proxy.Rules;
using Podway.Proxy.Tracking;

namespace Podway.Proxy;

/// <summary>
/// The service proxy of one node (kube-proxy in nftables mode): watches Services and EndpointSlices, and keeps
/// the node's table `ip &lt;TableName&gt;` and its shards `ip &lt;TableName&gt;-sNN` in step: a full sync on start and
/// after any failure, partial syncs of only the changed Services otherwise, at most once per MinSyncInterval and at
/// least once per SyncPeriod.
/// </summary>
public sealed class ServiceProxy
{
    readonly ApiClient _client;
    readonly ProxyNodeInfo _node;
    readonly ProxyOptions _options;
    readonly ServiceChangeTracker _services = new();
    readonly EndpointsChangeTracker _endpoints;
    readonly NftProxier _proxier;
    readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    readonly ProxyHealth _health;
    long _syncs;

    public ServiceProxy(ApiClient client, ProxyNodeInfo node, ProxyOptions options)
    {
        _client = client;
        _node = node;
        _options = options;
        _endpoints = new EndpointsChangeTracker(_start);
        _proxier = new NftProxier(options.Nftables ?? new RealNftables(), node, new ConntrackTool(options.Log), options.Log);
        _health = new ProxyHealth(2 * options.SyncPeriod, () => DateTimeOffset.UtcNow);
    }

    public ProxyMetrics Metrics { get; } = new();
    /// <summary>Successful syncs so far (tests wait on it).</summary>
    public long SyncCount => Interlocked.Read(ref _syncs);
    public SyncResult? LastSync { get; private set; }

    /// <summary>"namespace/name:port" of the Service a client reaches at ip:port, for the flow log.</summary>
    public string? ServiceAt(string ip, int port, string protocol) =>
        _services.At(ip, port, protocol) is { } s ? Describe(s) : null;

    /// <summary>"namespace/name:port" of the Service port whose chain marks packets with <paramref name="mark"/> and
    /// has <paramref name="endpointIp"/>:<paramref name="endpointPort"/> among its endpoints, for the flow log's drops.</summary>
    public string? ServiceMarked(uint mark, string endpointIp, int endpointPort, string protocol)
    {
        return _services.All().FirstOrDefault(s => ProxyNames.ServiceMark(s.Id) == mark &&
                string.Equals(s.Protocol, protocol, StringComparison.OrdinalIgnoreCase) &&
                _endpoints.Current(s.ServiceKey, s.PortName, s.Protocol).Any(e => e.Ip == endpointIp && e.Port == endpointPort))
            is { } sp ? Describe(sp) : null;
    }

    static string Describe(ServicePortInfo s) => $"{s.ServiceKey}:{(s.PortName.Length > 0 ? s.PortName : s.Port.ToString())}";

    /// <summary>Ready endpoint addresses as of the last sync that reached the kernel.</summary>
    volatile HashSet<string> _programmedReady = [];

    /// <summary>
    /// Waits until the rules in the kernel no longer send new connections to this address as a ready endpoint, or
    /// the timeout passes. The kubelet calls it before stopping a terminating Pod's containers, so that no new
    /// connection reaches a process that is shutting down (a rolling update then refuses nothing).
    /// </summary>
    public async Task WaitUntilNotRoutedAsync(string ip, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (_programmedReady.Contains(ip) && DateTimeOffset.UtcNow < deadline)
            await Task.Delay(20, ct);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var svcInformer = new Informer(_client, BuiltinResources.Service, new InformerOptions { Log = _options.Log });
        var sliceInformer = new Informer(_client, BuiltinResources.EndpointSlice, new InformerOptions { Log = _options.Log });
        svcInformer.AddEventHandler(
            onAdd: s => Changed(_services.Update(null, s)),
            onUpdate: (o, n) => Changed(_services.Update(o, n)),
            onDelete: s => Changed(_services.Update(s, null)));
        sliceInformer.AddEventHandler(
            onAdd: s => Changed(_endpoints.Update(s, removed: false)),
            onUpdate: (_, n) => Changed(_endpoints.Update(n, removed: false)),
            onDelete: s => Changed(_endpoints.Update(s, removed: true)));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var informers = Task.WhenAll(svcInformer.RunAsync(stop.Token), sliceInformer.RunAsync(stop.Token));
        await using var health = new HealthCheckServers(_options.HealthCheckAddress, _options.Log);
        var metrics = Serve(_options.MetricsEndpoint, "metrics", path => path.StartsWith("/metrics", StringComparison.Ordinal)
            ? new(200, "text/plain; version=0.0.4; charset=utf-8", Metrics.Render())
            : path.StartsWith("/healthz", StringComparison.Ordinal) ? new(200, "text/plain", "ok") : new(404, "text/plain", "not found\n"));
        var healthz = Serve(_options.HealthzEndpoint, "healthz", _health.Answer);
        try
        {
            await Task.WhenAll(svcInformer.WaitForSyncAsync(ct), sliceInformer.WaitForSyncAsync(ct));
            await SyncLoopAsync(health, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            if (metrics is not null) await metrics.DisposeAsync();
            if (healthz is not null) await healthz.DisposeAsync();
            stop.Cancel();
            try { await informers; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>An HTTP endpoint of the proxy; one whose port is taken is logged and left out, the proxy runs on.</summary>
    TinyHttpServer? Serve(IPEndPoint? endpoint, string what, Func<string, TinyHttpServer.Response> handler)
    {
        if (endpoint is null) return null;
        try { return new TinyHttpServer(endpoint, handler); }
        catch (System.Net.Sockets.SocketException e)
        {
            _options.Log?.Invoke($"proxy: cannot serve {what} on {endpoint}: {e.Message}");
            return null;
        }
    }

    void Changed(bool changed)
    {
        if (!changed) return;
        _health.QueuedUpdate();
        _wake.Release();
    }

    async Task SyncLoopAsync(HealthCheckServers health, CancellationToken ct)
    {
        var lastSync = DateTimeOffset.MinValue;
        var pendingRetry = true; // the first pass is the full sync
        while (!ct.IsCancellationRequested)
        {
            if (!pendingRetry) await _wake.WaitAsync(_options.SyncPeriod, ct);
            // BoundedFrequencyRunner: never sooner than MinSyncInterval after the previous sync.
            var wait = lastSync + _options.MinSyncInterval - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            while (_wake.CurrentCount > 0) _wake.Wait(0); // coalesce everything that arrived meanwhile
            lastSync = DateTimeOffset.UtcNow;
            pendingRetry = !await SyncOnceAsync(health, ct);
        }
    }

    /// <summary>One sync; false when it failed (the changes stay pending and the next sync is a full one).</summary>
    internal async Task<bool> SyncOnceAsync(HealthCheckServers? health, CancellationToken ct)
    {
        var (svcChanged, services) = _services.TakeChanges();
        var (epChanged, triggerTimes, view) = _endpoints.TakeChanges();
        var changed = new HashSet<string>(svcChanged.Concat(epChanged), StringComparer.Ordinal);
        try
        {
            var result = await _proxier.SyncAsync(services, view, changed, ct);
            var done = DateTimeOffset.UtcNow;
            Metrics.SyncProxyRulesDuration.Observe(result.Duration.TotalSeconds);
            (result.Full ? Metrics.SyncFullProxyRulesDuration : Metrics.SyncPartialProxyRulesDuration).Observe(result.Duration.TotalSeconds);
            foreach (var t in triggerTimes) Metrics.NetworkProgrammingDuration.Observe((done - t).TotalSeconds);
            Metrics.RecordSuccess(done);
            _health.Updated();
            LastSync = result;
            _programmedReady = view.ReadyIps();
            Interlocked.Increment(ref _syncs);
            if (health is not null) await health.SyncAsync(_proxier.HealthChecks);
            if (result.Operations > 0)
                _options.Log?.Invoke($"proxy: {(result.Full ? "full" : "partial")} sync of {result.ServicesRendered} services, {result.Operations} nft operations in {result.Duration.TotalMilliseconds:F0} ms");
            return true;
        }
        catch (Exception e) when (e is NftException or IOException or InvalidOperationException)
        {
            Metrics.RecordFailure();
            // Nothing was applied; the trackers still hold every Service and slice, so the full sync that follows
            // renders them all (their trigger times are not observed: that retry is not a programming latency).
            return false;
        }
    }
}
