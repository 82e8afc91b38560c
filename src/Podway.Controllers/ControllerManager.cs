using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers;

public sealed record ControllerManagerOptions
{
    /// <summary>Workers per controller.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>Shared informer resync period (kube-controller-manager's --min-resync-period is 12h; we keep caches honest more often).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);
    public Action<string>? Log { get; init; }
    /// <summary>The cluster CA (PEM) published in every namespace as the kube-root-ca.crt ConfigMap.</summary>
    public string? RootCaPem { get; init; }
    /// <summary>Workers of the workload controllers (ReplicaSet, Deployment, StatefulSet); kube's defaults are 5, 5 and 5.</summary>
    public int WorkloadWorkers { get; init; } = 4;
    /// <summary>Run the ReplicaSet, Deployment and StatefulSet controllers.</summary>
    public bool RunWorkloadControllers { get; init; } = true;
    /// <summary>Run the default-scheduler inside the controller manager (it is a separate binary in kube).</summary>
    public bool RunScheduler { get; init; } = true;
    /// <summary>The cluster's LoadBalancer pool (IPv4 CIDR, e.g. 10.250.0.128/25); without one, LoadBalancer Services stay &lt;pending&gt; as on a cluster with no cloud provider.</summary>
    public string? LoadBalancerPool { get; init; }
    /// <summary>Run the EndpointSlice, Endpoints and EndpointSlice mirroring controllers (kube's defaults: 5, 5 and 5 workers).</summary>
    public bool RunEndpointControllers { get; init; } = true;
}

/// <summary>
/// kube-controller-manager in miniature: one shared informer per type, then the garbage collector and the
/// namespace controller on top of them, all through the given ApiClient. RunAsync returns once ct is cancelled
/// and every informer and worker has stopped.
/// </summary>
public sealed class ControllerManager(ApiClient client, ControllerManagerOptions? options = null)
{
    readonly ControllerManagerOptions _options = options ?? new ControllerManagerOptions();
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once every informer has listed and the controllers are running.</summary>
    public Task Ready => _ready.Task;

    public async Task RunAsync(CancellationToken ct)
    {
        IReadOnlyList<ResourceType> deletable;
        try { deletable = await DiscoverAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { _ready.TrySetCanceled(ct); return; }
        var informers = new SharedInformerFactory(client, _options.ResyncPeriod, _options.Log);
        var recorder = new EventRecorder(client, GarbageCollector.Component, log: _options.Log);
        var gc = new GarbageCollector(informers, deletable, recorder, _options.Log);
        var namespaces = new NamespaceController(informers, deletable, _options.Log);
        var namespaceDefaults = new NamespaceDefaultsController(informers, _options.RootCaPem, _options.Log);
        var workloads = new List<Task>();
        var replicaSets = _options.RunWorkloadControllers ? new Workloads.ReplicaSetController(informers, _options.Log) : null;
        var deployments = _options.RunWorkloadControllers ? new Workloads.DeploymentController(informers, _options.Log) : null;
        var statefulSets = _options.RunWorkloadControllers ? new Workloads.StatefulSetController(informers, _options.Log) : null;
        var endpointSlices = _options.RunEndpointControllers ? new Endpoints.EndpointSliceController(informers, _options.Log) : null;
        var endpoints = _options.RunEndpointControllers ? new Endpoints.EndpointsController(informers, _options.Log) : null;
        var mirroring = _options.RunEndpointControllers ? new Endpoints.EndpointSliceMirroringController(informers, _options.Log) : null;
        var scheduler = _options.RunScheduler ? new Scheduling.Scheduler(informers, _options.Log) : null;
        var loadBalancers = _options.LoadBalancerPool is { } pool ? new LoadBalancer.LoadBalancerController(informers, new LoadBalancer.AddressPool(pool), _options.Log) : null;
        informers.Start(ct);
        if (replicaSets is not null) workloads.Add(replicaSets.RunAsync(_options.WorkloadWorkers, ct));
        if (deployments is not null) workloads.Add(deployments.RunAsync(_options.WorkloadWorkers, ct));
        if (statefulSets is not null) workloads.Add(statefulSets.RunAsync(_options.WorkloadWorkers, ct));
        if (scheduler is not null) workloads.Add(scheduler.RunAsync(Scheduling.Scheduler.BindingWorkers, ct));
        // kube's --concurrent-service-syncs defaults to 1: one worker, so allocations never race.
        if (loadBalancers is not null) workloads.Add(loadBalancers.RunAsync(1, ct));
        if (endpointSlices is not null) workloads.Add(endpointSlices.RunAsync(_options.WorkloadWorkers, ct));
        if (endpoints is not null) workloads.Add(endpoints.RunAsync(_options.WorkloadWorkers, ct));
        if (mirroring is not null) workloads.Add(mirroring.RunAsync(_options.WorkloadWorkers, ct));
        var controllers = Task.WhenAll([gc.RunAsync(_options.Workers, ct), namespaces.RunAsync(_options.Workers, ct), namespaceDefaults.RunAsync(_options.Workers, ct), .. workloads]);
        try
        {
            await informers.WaitForCacheSyncAsync(ct);
            _ready.TrySetResult();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        try { await controllers; }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await informers.WhenStopped();
        _ready.TrySetCanceled(ct);
    }

    /// <summary>Types served with list, watch and delete; retried until the server answers discovery at all.</summary>
    async Task<IReadOnlyList<ResourceType>> DiscoverAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                var types = await client.DiscoverAsync(["list", "watch", "delete"], ct);
                if (types.Count > 0) return types;
                _options.Log?.Invoke("controller manager: discovery found no resources yet");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _options.Log?.Invoke($"controller manager: discovery failed: {e.Message}");
            }
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }
}
