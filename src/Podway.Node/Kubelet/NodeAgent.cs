using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Node.Images;
using Podway.Node.Kubelet.Volumes;
using Podway.Node.Runtime;
using Podway.Node.Sandbox;
using Podway.Node.Streaming;

namespace Podway.Node.Kubelet;

/// <summary>
/// The node agent (kubelet) of one node: registers the Node and keeps its status and Lease fresh, watches the
/// Pods bound to it and runs one worker per Pod UID, adopts the sandboxes and containers a previous agent left
/// running, and removes those of Pods that no longer exist. Streams exposes its containers to the streaming server.
/// </summary>
public sealed class NodeAgent
{
    readonly ApiClient _client;
    readonly NodeIdentity _node;
    readonly IPodSandboxes _sandboxes;
    readonly NodeAgentOptions _options;
    readonly PodWorkerContext _ctx;
    readonly ConcurrentDictionary<string, (PodWorker Worker, Task Task)> _workers = new();
    readonly Dictionary<string, SandboxInfo> _adoptable = [];
    /// <summary>Every Service, for the containers' Service environment variables (the kubelet's service lister).</summary>
    readonly Informer _services;
    CancellationToken _ct;

    public NodeAgent(ApiClient client, NodeIdentity node, IPodSandboxes sandboxes, IImageCatalog images, NodeAgentOptions options)
    {
        _client = client;
        _node = node;
        _sandboxes = sandboxes;
        _options = options;
        var runtimeOptions = options.Runtime ?? new ContainerRuntimeOptions
        {
            PodwayExecutable = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell the path of the podway executable"),
        };
        Runtime = new ContainerRuntime(node, runtimeOptions with { Log = runtimeOptions.Log ?? options.Log }, ImageLayers.For(runtimeOptions.PodwayExecutable), ImageLayers.RunningPodway());
        _services = new Informer(client, BuiltinResources.Service, new InformerOptions { Log = options.Log });
        var env = new ContainerEnv(client, node, ServicesVisibleFrom);
        _ctx = new PodWorkerContext(client, node, sandboxes, images, options,
            new EventRecorder(client, "kubelet", node.NodeName, options.Log),
            new CrashLoopBackOff(options.BackOffInitial, options.BackOffMax),
            env,
            Runtime,
            new PodVolumes(node, new VolumePayloads(client, env)));
        Streams = new NodeContainerStreams(this);
        ResourceMetrics = new ResourceMetrics(this);
    }

    internal ContainerRuntime Runtime { get; }

    /// <summary>Exec, attach, logs and port-forward targets for the kubelet's streaming server.</summary>
    public IContainerStreams Streams { get; }

    /// <summary>The kubelet's /metrics/resource, which the API server's metrics API scrapes.</summary>
    public IResourceMetricsSource ResourceMetrics { get; }

    public async Task RunAsync(CancellationToken ct)
    {
        _ct = ct;
        Directory.CreateDirectory(Path.Combine(_node.StateDir, "pods"));
        _ = Runtime.BuildLayersAsync();
        var heartbeat = new NodeHeartbeat(_client, _node, _options);
        await RetryAsync(heartbeat.RegisterAsync, "registering the node", ct);
        foreach (var sandbox in _sandboxes.List()) _adoptable[sandbox.PodUid] = sandbox;
        // Containers need the Service variables; with them listed first no Pod waits for them.
        var servicesTask = _services.RunAsync(ct);
        await _services.WaitForSyncAsync(ct);

        var informer = new Informer(_client, BuiltinResources.Pod, new InformerOptions
        {
            FieldSelector = $"spec.nodeName={_node.NodeName}",
            Log = _options.Log,
        });
        informer.AddEventHandler(
            onAdd: pod => Dispatch(pod),
            onUpdate: (_, pod) => Dispatch(pod),
            onDelete: pod => { if (_workers.TryGetValue(ObjectMeta.Uid(pod), out var w)) w.Worker.GoneFromApi(); });
        var informerTask = informer.RunAsync(ct);
        var heartbeatTask = heartbeat.RunAsync(ct);
        var sandboxWatch = WatchSandboxesAsync(ct);
        try
        {
            await informer.WaitForSyncAsync(ct);
            await CleanupOrphansAsync(informer, ct);
            await Task.WhenAll(informerTask, heartbeatTask, servicesTask, sandboxWatch);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        // Pods keep running when the agent stops (it adopts them when it starts again); wait for the workers to notice.
        await Task.WhenAll(_workers.Values.Select(w => w.Task));
    }

    /// <summary>The Services a Pod of namespace ns may get variables for: its namespace's and default/kubernetes; null before the first list.</summary>
    IReadOnlyList<JsonObject>? ServicesVisibleFrom(string ns)
    {
        if (!_services.HasSynced) return null;
        var services = _services.Cache.ByIndex(InformerCache.NamespaceIndex, ns);
        return _services.Cache.Get("default", "kubernetes") is { } master ? [.. services, master] : services;
    }

    internal IEnumerable<PodWorker> Workers => _workers.Values.Select(w => w.Worker);

    internal PodWorker? FindWorker(string ns, string name) =>
        _workers.Values.Select(w => w.Worker).FirstOrDefault(w => ObjectMeta.Namespace(w.Pod) == ns && ObjectMeta.Name(w.Pod) == name);

    void Dispatch(JsonObject pod)
    {
        var uid = ObjectMeta.Uid(pod);
        if (_workers.TryGetValue(uid, out var existing)) { existing.Worker.Update(pod); return; }
        // A pod already terminal before this node ever ran it needs no worker.
        var worker = new PodWorker(_ctx, pod);
        SandboxInfo? adopted;
        lock (_adoptable) { _adoptable.Remove(uid, out adopted); }
        var task = Task.Run(async () =>
        {
            await worker.RunAsync(adopted, _ct);
            if (!_ct.IsCancellationRequested) _workers.TryRemove(uid, out _);
        });
        _workers[uid] = (worker, task);
    }

    /// <summary>
    /// Wakes the worker of every Pod whose sandbox lost its network (a namespace deleted by hand, or the node network
    /// rebuilt under it), so the worker makes a new sandbox at once rather than at its next resync.
    /// </summary>
    async Task WatchSandboxesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(_options.SandboxCheckInterval, ct); } catch (OperationCanceledException) { return; }
            foreach (var (worker, _) in _workers.Values)
                if (worker.Sandbox is { } sandbox && _sandboxes.Damage(sandbox) is not null) worker.Wake();
        }
    }

    /// <summary>Sandboxes and container state of pods the API no longer has (deleted while the agent was down).</summary>
    async Task CleanupOrphansAsync(Informer informer, CancellationToken ct)
    {
        var known = informer.Cache.List().Select(ObjectMeta.Uid).ToHashSet();
        var logDirs = Path.Combine(_node.StateDir, "logs");
        var logged = Directory.Exists(logDirs) ? Directory.GetDirectories(logDirs).Select(Path.GetFileName).OfType<string>() : [];
        var uids = PodStateFile.ListUids(_node.StateDir).Concat(_sandboxes.KnownPodUids()).Concat(logged).Distinct();
        foreach (var uid in uids.Where(u => !known.Contains(u)))
        {
            _options.Log?.Invoke($"removing pod {uid}: it no longer exists");
            if (PodStateFile.Load(_node.StateDir, uid) is { } record)
                foreach (var c in record.Containers.Where(c => c.Attempt >= 0 && c.Terminated is null && c.StartedAt is not null))
                    ContainerRun.Adopt(Runtime, uid, ContainerPaths.For(_node.StateDir, uid, c.Name, c.Attempt), c.ShimPid, c.ShimStartTime, c.StartedAt!.Value, false)?.Kill();
            Runtime.RemovePod(uid);
            try { await _sandboxes.RemoveAsync(uid, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { _options.Log?.Invoke($"removing sandbox {uid}: {e.Message}"); }
            lock (_adoptable) _adoptable.Remove(uid);
            foreach (var dir in new[] { ContainerPaths.PodDir(_node.StateDir, uid), ContainerPaths.PodLogDir(_node.StateDir, uid) })
            {
                try { Directory.Delete(dir, recursive: true); }
                catch (DirectoryNotFoundException) { }
            }
        }
    }

    async Task RetryAsync(Func<CancellationToken, Task> action, string what, CancellationToken ct)
    {
        for (var delay = TimeSpan.FromMilliseconds(200); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
        {
            try { await action(ct); return; }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                _options.Log?.Invoke($"{what}: {e.Message}");
                await Task.Delay(delay, ct);
            }
        }
    }
}
