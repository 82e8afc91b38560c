using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Edge.Addon;
using Podway.Edge.Routing;

namespace Podway.Edge.Status;

/// <summary>
/// ingress-nginx's status sync (--publish-service): every Ingress this edge serves shows the edge Service's
/// LoadBalancer address in status.loadBalancer.ingress (written through the status subresource, so
/// `kubectl get ingress` has an ADDRESS); an Ingress that stops being ours, or names an unknown class, gets its
/// address cleared. Also records the Normal `Sync` event when an Ingress is first picked up.
/// </summary>
internal sealed class IngressStatusController
{
    public const string Component = "podway-edge";

    readonly ApiClient _client;
    readonly Informer _ingresses, _classes, _services;
    readonly EventRecorder _events;
    readonly Action<string>? _log;
    readonly WorkQueue<string> _queue = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    // Ingresses already announced with a Sync event by this process (by uid, so a re-created Ingress is announced again).
    readonly HashSet<string> _announced = [];

    public IngressStatusController(SharedInformerFactory informers, EventRecorder events, Action<string>? log = null)
    {
        _client = informers.Client;
        _events = events;
        _log = log;
        _ingresses = informers.For(BuiltinResources.Ingress);
        _classes = informers.For(BuiltinResources.IngressClass);
        _services = informers.For(BuiltinResources.Service);
        _ingresses.AddEventHandler(onAdd: Enqueue, onUpdate: (_, ing) => Enqueue(ing));
        // A class or the edge Service changing can change every Ingress's answer.
        _classes.AddEventHandler(onAdd: _ => EnqueueAll(), onUpdate: (_, _) => EnqueueAll(), onDelete: _ => EnqueueAll());
        _services.AddEventHandler(onAdd: OnService, onUpdate: (_, svc) => OnService(svc), onDelete: OnService);
    }

    void Enqueue(JsonObject ingress) => _queue.Add(ObjectMeta.Key(ingress));

    void EnqueueAll()
    {
        foreach (var key in _ingresses.Cache.Keys()) _queue.Add(key);
    }

    void OnService(JsonObject svc)
    {
        if (ObjectMeta.Namespace(svc) == EdgeAddon.Namespace && ObjectMeta.Name(svc) == EdgeAddon.ServiceName) EnqueueAll();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await Task.WhenAll(_ingresses.WaitForSyncAsync(ct), _classes.WaitForSyncAsync(ct), _services.WaitForSyncAsync(ct));
        EnqueueAll();
        await _queue.RunWorkersAsync(1, SyncAsync, ct, (key, e) => _log?.Invoke($"{Component}: ingress {key}: {e.Message} (will retry)"));
        _queue.ShutDown();
    }

    /// <summary>The edge Service's status.loadBalancer.ingress as an Ingress shows it (ip/hostname only), or empty while pending.</summary>
    JsonArray PublishedAddresses()
    {
        var svc = _services.Cache.Get(EdgeAddon.Namespace, EdgeAddon.ServiceName);
        var result = new JsonArray();
        foreach (var entry in svc?["status"]?["loadBalancer"]?["ingress"]?.AsArray() ?? [])
        {
            var item = new JsonObject();
            if (entry?["ip"] is { } ip) item["ip"] = ip.DeepClone();
            if (entry?["hostname"] is { } host) item["hostname"] = host.DeepClone();
            if (item.Count > 0) result.Add((JsonNode)item);
        }
        return result;
    }

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var ingress = _ingresses.Cache.Get(key[..slash], key[(slash + 1)..]);
        if (ingress is null || ObjectMeta.IsBeingDeleted(ingress)) return;
        var ours = IngressClassResolver.IsOurs(ingress, _classes.Cache.List());
        var desired = ours ? PublishedAddresses() : new JsonArray();
        var current = ingress["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? new JsonArray();
        if (ours && MarkAnnounced(ingress))
            await _events.RecordAsync(ingress, EventRecorder.Normal, "Sync", "Scheduled for sync", ct);
        if (JsonNodes.DeepEquals(current, desired)) return;
        var patch = new JsonObject
        {
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = desired.Count == 0 ? null : desired } },
        };
        try
        {
            await _client.PatchAsync(BuiltinResources.Ingress, ObjectMeta.Namespace(ingress), ObjectMeta.Name(ingress), PatchType.Merge, patch, "status", ct: ct);
            _log?.Invoke($"{Component}: ingress {key} address {(desired.Count == 0 ? "cleared" : desired.ToJsonString())}");
        }
        catch (ApiException e) when (e.Code == 404) { }
    }

    bool MarkAnnounced(JsonObject ingress)
    {
        lock (_announced) return _announced.Add(ObjectMeta.Uid(ingress));
    }
}
