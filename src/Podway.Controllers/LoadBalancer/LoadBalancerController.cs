using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using static Podway.Controllers.LoadBalancer.ServiceLoadBalancer;

namespace Podway.Controllers.LoadBalancer;

/// <summary>
/// kube's service controller (k8s.io/cloud-provider controllers/service) with the cluster's address pool as the
/// "cloud": every Service of type LoadBalancer (no loadBalancerClass, or ours) gets an address, written to
/// status.loadBalancer.ingress through the status subresource; the finalizer load-balancer-cleanup holds a deleted
/// Service until its address is released; a Service that stops being a LoadBalancer gets its status cleared.
/// Allocations live in memory and are rebuilt from the Services' status at start.
/// </summary>
internal sealed class LoadBalancerController
{
    /// <summary>source.component of its Events, as kube's.</summary>
    public const string Component = "service-controller";

    readonly ApiClient _client;
    readonly AddressPool _pool;
    readonly Informer _services;
    readonly EventRecorder _events;
    readonly Action<string>? _log;
    // kube's service controller retries failed syncs from 5 s doubling to 300 s.
    readonly WorkQueue<string> _queue = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(300));

    public LoadBalancerController(SharedInformerFactory informers, AddressPool pool, Action<string>? log = null)
    {
        _client = informers.Client;
        _pool = pool;
        _log = log;
        _events = new EventRecorder(_client, Component, log: log);
        _services = informers.For(BuiltinResources.Service);
        _services.AddEventHandler(onAdd: EnqueueIfRelevant, onUpdate: (_, svc) => EnqueueIfRelevant(svc), onDelete: svc => _queue.Add(ObjectMeta.Key(svc)));
    }

    void EnqueueIfRelevant(JsonObject svc)
    {
        var key = ObjectMeta.Key(svc);
        if (WantsLoadBalancer(svc) || HasFinalizer(svc) || _pool.HeldBy(key) is not null) _queue.Add(key);
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await _services.WaitForSyncAsync(ct);
        Rebuild();
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"service-controller: {key}: {e.Message} (will retry)"));
        _queue.ShutDown();
    }

    /// <summary>Takes back the addresses Services already show, oldest Service first, before anything new is handed out.</summary>
    void Rebuild()
    {
        var claimed = 0;
        foreach (var svc in _services.Cache.List().OrderBy(s => CreationTimestamp(s), StringComparer.Ordinal).ThenBy(ObjectMeta.Key, StringComparer.Ordinal))
        {
            if (IsOtherClass(svc) || !(WantsLoadBalancer(svc) || HasFinalizer(svc)) || IngressIp(svc) is not { } ip) continue;
            if (_pool.TryClaim(ObjectMeta.Key(svc), ip)) claimed++;
        }
        _log?.Invoke($"service-controller: pool {_pool.Cidr}: {claimed} of {_pool.Size} addresses in use");
    }

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var svc = _services.Cache.Get(key[..slash], key[(slash + 1)..]);
        if (svc is null)
        {
            // Gone without our finalizer (it was removed by hand): nothing left to clean but the address.
            ReleaseAndWakePending(key);
            return;
        }
        if (IsOtherClass(svc))
        {
            ReleaseAndWakePending(key);
            return;
        }
        if (WantsLoadBalancer(svc) && !ObjectMeta.IsBeingDeleted(svc)) await EnsureAsync(key, svc, ct);
        else await CleanUpAsync(key, svc, ct);
    }

    async Task EnsureAsync(string key, JsonObject svc, CancellationToken ct)
    {
        IPAddress? requested = null;
        var requestedText = RequestedIp(svc);
        if (requestedText is not null && !IPAddress.TryParse(requestedText, out requested))
        {
            // Nothing to retry until the spec changes (which enqueues the Service again).
            await FailAsync(svc, $"spec.loadBalancerIP {requestedText} is not an IP address", ct);
            return;
        }

        var current = IngressIp(svc);
        // An address the Service already shows stays with it when the pool still has it free (e.g. written before a restart).
        if (_pool.HeldBy(key) is null && requested is null && current is not null) _pool.TryClaim(key, current);
        var held = _pool.HeldBy(key);
        var statusInOrder = held is not null && JsonNodes.DeepEquals(Ingress(svc), IngressFor(held));
        if (HasFinalizer(svc) && statusInOrder && (requested is null || requested.Equals(held))) return;

        await _events.RecordAsync(svc, EventRecorder.Normal, "EnsuringLoadBalancer", "Ensuring load balancer", ct);
        // The finalizer goes on before the address is handed out, so a deletion can never skip the release.
        await PatchFinalizersAsync(svc, add: true, ct);
        IPAddress ip;
        try { ip = _pool.Allocate(key, requested); }
        catch (AddressPoolException e) { await FailAsync(svc, e.Message, ct); throw; }
        await _events.RecordAsync(svc, EventRecorder.Normal, "EnsuredLoadBalancer", "Ensured load balancer", ct);
        if (!JsonNodes.DeepEquals(Ingress(svc), IngressFor(ip))) await PatchIngressAsync(svc, IngressFor(ip), ct);
    }

    Task FailAsync(JsonObject svc, string why, CancellationToken ct) =>
        _events.RecordAsync(svc, EventRecorder.Warning, "SyncLoadBalancerFailed", $"Error syncing load balancer: failed to ensure load balancer: {why}", ct);

    /// <summary>
    /// The Service is being deleted or is no longer a LoadBalancer: clear its status, drop the finalizer, free the
    /// address. Status first, so a failure part-way is retried while the finalizer still marks the Service as ours.
    /// </summary>
    async Task CleanUpAsync(string key, JsonObject svc, CancellationToken ct)
    {
        var held = _pool.HeldBy(key);
        if (!HasFinalizer(svc) && held is null) return;
        var showsOurs = IngressIp(svc) is { } shown && _pool.Contains(shown);
        if (held is not null || showsOurs)
            await _events.RecordAsync(svc, EventRecorder.Normal, "DeletingLoadBalancer", "Deleting load balancer", ct);
        if (showsOurs && !ObjectMeta.IsBeingDeleted(svc)) await PatchIngressAsync(svc, null, ct);
        await PatchFinalizersAsync(svc, add: false, ct);
        ReleaseAndWakePending(key);
        await _events.RecordAsync(svc, EventRecorder.Normal, "DeletedLoadBalancer", "Deleted load balancer", ct);
    }

    void ReleaseAndWakePending(string key)
    {
        if (!_pool.Release(key)) return;
        // Services left <pending> by an exhausted pool try again now rather than at their next back-off.
        foreach (var svc in _services.Cache.List())
            if (WantsLoadBalancer(svc) && !ObjectMeta.IsBeingDeleted(svc) && _pool.HeldBy(ObjectMeta.Key(svc)) is null)
                _queue.Add(ObjectMeta.Key(svc));
    }

    /// <summary>status.loadBalancer.ingress through the status subresource; null clears it (loadBalancer: {}).</summary>
    async Task PatchIngressAsync(JsonObject svc, JsonArray? ingress, CancellationToken ct)
    {
        var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress } } };
        try { await _client.PatchAsync(BuiltinResources.Service, ObjectMeta.Namespace(svc), ObjectMeta.Name(svc), PatchType.Merge, patch, "status", ct: ct); }
        catch (ApiException e) when (e.Code == 404) { }
    }

    /// <summary>Adds or removes our finalizer with a resourceVersion-guarded merge patch; a conflict re-reads the Service once.</summary>
    async Task PatchFinalizersAsync(JsonObject svc, bool add, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var finalizers = ObjectMeta.Finalizers(svc).ToList();
            if (finalizers.Contains(CleanupFinalizer) == add) return;
            if (add) finalizers.Add(CleanupFinalizer);
            else finalizers.RemoveAll(f => f == CleanupFinalizer);
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = ObjectMeta.ResourceVersion(svc),
                    ["finalizers"] = finalizers.Count == 0 ? null : new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
                },
            };
            try
            {
                await _client.PatchAsync(BuiltinResources.Service, ObjectMeta.Namespace(svc), ObjectMeta.Name(svc), PatchType.Merge, patch, ct: ct);
                return;
            }
            catch (ApiException e) when (e.Code == 404 && !add) { return; }
            catch (ApiException e) when (e.Code == 409 && attempt == 0)
            {
                svc = await _client.TryGetAsync(BuiltinResources.Service, ObjectMeta.Namespace(svc), ObjectMeta.Name(svc), ct)
                    ?? throw new ApiException(404, "NotFound", $"services \"{ObjectMeta.Name(svc)}\" not found");
            }
        }
    }
}
