using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's EndpointSliceMirroring controller (pkg/controller/endpointslicemirroring): the hand-written Endpoints of a
/// Service without a selector are mirrored into EndpointSlices managed by endpointslicemirroring-controller.k8s.io,
/// unless the Endpoints carries endpointslice.kubernetes.io/skip-mirror=true (as the `kubernetes` one does) or a
/// leader-election annotation. Mirrored slices go when the Endpoints, its Service, or the Service's selector-lessness
/// goes. EndpointSlices nobody manages (hand-written ones) are never touched.
/// </summary>
public sealed class EndpointSliceMirroringController
{
    public const string ControllerName = EndpointNames.MirroringControllerName;
    public const int DefaultMaxEndpointsPerSubset = 1000;

    readonly ApiClient _client;
    readonly Informer _services, _endpoints, _slices;
    readonly WorkQueue<string> _queue = new();
    readonly SliceTracker _tracker = new();
    readonly MirroringReconciler _reconciler;
    readonly EventRecorder _recorder;
    readonly int _maxPerSubset;
    readonly Action<string>? _log;

    public EndpointSliceMirroringController(SharedInformerFactory informers, Action<string>? log = null, int maxEndpointsPerSubset = DefaultMaxEndpointsPerSubset)
    {
        _client = informers.Client;
        _log = log;
        _maxPerSubset = maxEndpointsPerSubset;
        _reconciler = new MirroringReconciler(maxEndpointsPerSubset);
        _recorder = new EventRecorder(_client, ControllerName, log: log);
        _services = informers.For(BuiltinResources.Service);
        _endpoints = informers.For(BuiltinResources.Endpoints);
        _slices = informers.For(BuiltinResources.EndpointSlice);
        void Enqueue(JsonObject o) => _queue.Add(ObjectMeta.Key(o));
        _services.AddEventHandler(Enqueue, (_, s) => Enqueue(s), Enqueue);
        _endpoints.AddEventHandler(Enqueue, (_, e) => Enqueue(e), Enqueue);
        _slices.AddEventHandler(OnSliceAdd, OnSliceUpdate, OnSliceDelete);
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_services.WaitForSyncAsync(ct), _endpoints.WaitForSyncAsync(ct), _slices.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"{ControllerName}: sync {key}: {e.Message}"));
    }

    static bool Mine(JsonObject slice) => SliceShape.ManagedBy(slice, ControllerName);

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

    List<JsonObject> MirroredSlices(string ns, string name) =>
        _slices.Cache.ByIndex(InformerCache.NamespaceIndex, ns)
            .Where(s => Mine(s) && s.Labels().Str(EndpointNames.ServiceNameLabel) == name && !SliceShape.IsBeingDeleted(s))
            .OrderBy(s => s.Name(), StringComparer.Ordinal).ToList();

    static bool ShouldMirror(JsonObject endpoints) =>
        endpoints.Labels().Str(EndpointNames.SkipMirrorLabel) != "true"
        && endpoints.Obj("metadata")?.Obj("annotations")?[EndpointNames.LeaderElectionAnnotation] is null;

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        var endpoints = _endpoints.Cache.Get(key);
        var service = _services.Cache.Get(key);
        if (endpoints is null || !ShouldMirror(endpoints) || service is null || ServiceSpec.Selector(service) is not null)
        {
            await DeleteMirroredAsync(ns, name, ct);
            if (endpoints is null) _tracker.DeleteService(key);
            return;
        }
        var slices = MirroredSlices(ns, name);
        if (_tracker.Stale(key, slices)) throw new StaleCacheException("EndpointSlice informer cache is out of date");

        var result = _reconciler.Reconcile(endpoints, slices);
        if (result.InvalidAddresses > 0)
            await _recorder.RecordAsync(endpoints, "Warning", "InvalidIPAddress", $"Skipped {result.InvalidAddresses} invalid IP addresses when mirroring to EndpointSlices", ct);
        if (result.SkippedAddresses > result.InvalidAddresses)
            await _recorder.RecordAsync(endpoints, "Warning", "TooManyAddressesToMirror",
                $"A max of {_maxPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. {result.SkippedAddresses} addresses were skipped", ct);

        foreach (var slice in result.Plan.Create)
        {
            try { _tracker.Update(await _client.CreateAsync(BuiltinResources.EndpointSlice, ns, slice, ct)); }
            catch (ApiException e) when (e.Code == 403 && e.Message.Contains("being terminated")) { return; }
        }
        foreach (var slice in result.Plan.Update) _tracker.Update(await _client.UpdateAsync(BuiltinResources.EndpointSlice, slice, ct));
        foreach (var slice in result.Plan.Delete) await DeleteAsync(slice, ct);
    }

    async Task DeleteMirroredAsync(string ns, string name, CancellationToken ct)
    {
        foreach (var slice in MirroredSlices(ns, name)) await DeleteAsync(slice, ct);
    }

    async Task DeleteAsync(JsonObject slice, CancellationToken ct)
    {
        try { await _client.DeleteAsync(BuiltinResources.EndpointSlice, slice.Namespace(), slice.Name(), ct: ct); }
        catch (ApiException e) when (e.Code == 404) { }
        _tracker.ExpectDeletion(slice);
    }
}
