using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector, EndpointSlices
/// of at most maxEndpointsPerSlice endpoints per address family, owned by the Service (the garbage collector removes
/// them with it), rewritten with minimal churn and stamped with the last-change-trigger-time annotation.
/// </summary>
public sealed class EndpointSliceController
{
    public const string ControllerName = EndpointNames.SliceControllerName;
    public const int DefaultMaxEndpointsPerSlice = 100;

    readonly ApiClient _client;
    readonly Informer _services, _pods, _slices, _nodes;
    readonly WorkQueue<string> _queue = new();
    readonly SliceTracker _tracker = new();
    readonly TriggerTimeTracker _triggerTimes = new();
    readonly EndpointSliceReconciler _reconciler;
    readonly Action<string>? _log;

    public EndpointSliceController(SharedInformerFactory informers, Action<string>? log = null, int maxEndpointsPerSlice = DefaultMaxEndpointsPerSlice)
    {
        _client = informers.Client;
        _log = log;
        _reconciler = new EndpointSliceReconciler(maxEndpointsPerSlice);
        _services = informers.For(BuiltinResources.Service);
        _pods = informers.For(BuiltinResources.Pod);
        _slices = informers.For(BuiltinResources.EndpointSlice);
        _nodes = informers.For(BuiltinResources.Node);
        _services.AddEventHandler(s => _queue.Add(ObjectMeta.Key(s)), (_, s) => _queue.Add(ObjectMeta.Key(s)), s => _queue.Add(ObjectMeta.Key(s)));
        ServiceQueue.Attach(_pods, _services, _queue);
        _slices.AddEventHandler(OnSliceAdd, OnSliceUpdate, OnSliceDelete);
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_services.WaitForSyncAsync(ct), _pods.WaitForSyncAsync(ct), _slices.WaitForSyncAsync(ct), _nodes.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"{ControllerName}: sync {key}: {e.Message}"));
    }

    bool Mine(JsonObject slice) => SliceShape.ManagedBy(slice, ControllerName);

    void OnSliceAdd(JsonObject slice)
    {
        if (Mine(slice) && _tracker.ShouldSync(slice)) _queue.Add(SliceTracker.ServiceKey(slice));
    }

    void OnSliceUpdate(JsonObject old, JsonObject slice)
    {
        if (old.Labels().Str(EndpointNames.ServiceNameLabel) != slice.Labels().Str(EndpointNames.ServiceNameLabel))
        {
            _queue.Add(SliceTracker.ServiceKey(old));
            _queue.Add(SliceTracker.ServiceKey(slice));
            return;
        }
        if (Mine(old) != Mine(slice) || (Mine(slice) && _tracker.ShouldSync(slice))) _queue.Add(SliceTracker.ServiceKey(slice));
    }

    void OnSliceDelete(JsonObject slice)
    {
        if (Mine(slice) && _tracker.Has(slice) && !_tracker.HandleDeletion(slice)) _queue.Add(SliceTracker.ServiceKey(slice));
    }

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var service = _services.Cache.Get(key);
        if (service is null)
        {
            // The slices go with the Service through their owner references (garbage collector).
            _triggerTimes.DeleteService(key);
            _tracker.DeleteService(key);
            return;
        }
        if (ServiceSpec.IsExternalName(service) || ServiceSpec.Selector(service) is null) return;

        var pods = _pods.Cache.ByIndex(InformerCache.NamespaceIndex, service.Namespace())
            .Where(p => ServiceSpec.IsPodOf(p, service)).OrderBy(p => p.Name(), StringComparer.Ordinal).ToList();
        var slices = _slices.Cache.ByIndex(InformerCache.NamespaceIndex, service.Namespace())
            .Where(s => Mine(s) && s.Labels().Str(EndpointNames.ServiceNameLabel) == service.Name() && !SliceShape.IsBeingDeleted(s))
            .OrderBy(s => s.Name(), StringComparer.Ordinal).ToList();
        if (_tracker.Stale(key, slices)) throw new StaleCacheException("EndpointSlice informer cache is out of date");

        var triggerTime = _triggerTimes.Compute(key, service, pods);
        var result = _reconciler.Reconcile(service, pods, name => _nodes.Cache.Get(name), slices);
        await ApplyAsync(service, result.Plan, triggerTime, ct);
        if (result.PodsOnMissingNodes.Count > 0)
            throw new InvalidOperationException($"skipping Pods {string.Join(", ", result.PodsOnMissingNodes)} for Service {key}: node not found");
    }

    async Task ApplyAsync(JsonObject service, SlicePlan plan, DateTimeOffset? triggerTime, CancellationToken ct)
    {
        // No new slices for a Service on its way out: the garbage collector would race them.
        if (!ObjectMeta.IsBeingDeleted(service))
            foreach (var slice in plan.Create)
            {
                TriggerTimeTracker.Annotate(slice, triggerTime);
                try { _tracker.Update(await _client.CreateAsync(BuiltinResources.EndpointSlice, service.Namespace(), slice, ct)); }
                catch (ApiException e) when (e.Code == 403 && e.Message.Contains("being terminated")) { return; }
            }
        foreach (var slice in plan.Update)
        {
            TriggerTimeTracker.Annotate(slice, triggerTime);
            _tracker.Update(await _client.UpdateAsync(BuiltinResources.EndpointSlice, slice, ct));
        }
        foreach (var slice in plan.Delete)
        {
            try { await _client.DeleteAsync(BuiltinResources.EndpointSlice, slice.Namespace(), slice.Name(), ct: ct); }
            catch (ApiException e) when (e.Code == 404) { }
            _tracker.ExpectDeletion(slice);
        }
    }
}
