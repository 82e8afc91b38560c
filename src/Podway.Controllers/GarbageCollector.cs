using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers;

/// <summary>
/// Kubernetes' garbage collector over every built-in type, driven by the shared informers:
/// - a dependent whose owners (resolved by apiVersion/kind/name in its namespace, or cluster-scoped, and
///   matched by uid) are all gone is deleted; owners that are gone or waiting on foreground deletion are
///   dropped from its ownerReferences when some other owner still exists;
/// - an owner being deleted with the foregroundDeletion finalizer has its dependents deleted and the finalizer
///   removed once no dependent with blockOwnerDeletion remains;
/// - an owner being deleted with the orphan finalizer has its ownerReference removed from every dependent,
///   then the finalizer removed.
/// Absence is confirmed with a live GET before anything is deleted, since caches of different types lag each other.
/// </summary>
public sealed class GarbageCollector
{
    public const string Component = "garbage-collector-controller";

    readonly SharedInformerFactory _informers;
    readonly ApiClient _client;
    readonly EventRecorder _recorder;
    readonly Action<string>? _log;
    readonly WorkQueue<ObjectRef> _queue = new();
    readonly HashSet<ResourceType> _types = [];
    /// <summary>Owner uids confirmed absent by the server; uids never come back, so this only saves GETs (kube's absentOwnerCache).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _absentOwners = new();
    const int AbsentOwnersCapacity = 10_000;

    /// <summary>kube-controller-manager's default ignored resources: events are never owners nor collected.</summary>
    static readonly HashSet<string> Ignored = [BuiltinResources.CoreEvent.GroupResource, BuiltinResources.EventsEvent.GroupResource];

    /// <summary>Watches every type in <paramref name="types"/> (what discovery says is listable, watchable and deletable).</summary>
    public GarbageCollector(SharedInformerFactory informers, IEnumerable<ResourceType> types, EventRecorder recorder, Action<string>? log = null)
    {
        _informers = informers;
        _client = informers.Client;
        _recorder = recorder;
        _log = log;
        foreach (var type in types.Where(t => !Ignored.Contains(t.GroupResource)))
        {
            _types.Add(type);
            var t = type;
            informers.For(t).AddEventHandler(
                onAdd: obj => Observe(t, obj),
                onUpdate: (old, obj) => { Observe(t, obj); EnqueueDeletingOwners(t, old); },
                onDelete: obj => { EnqueueDependents(obj); EnqueueDeletingOwners(t, obj); });
        }
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_types.Select(t => _informers.For(t).WaitForSyncAsync(ct)));
        await _queue.RunWorkersAsync(workers, ProcessAsync, ct, (item, e) => _log?.Invoke($"garbage collector: {item}: {e.Message}"));
        _queue.ShutDown();
    }

    void Observe(ResourceType type, JsonObject obj)
    {
        var deletingWithPolicy = ObjectMeta.IsBeingDeleted(obj) &&
            ObjectMeta.Finalizers(obj).Any(f => f is Finalizers.Orphan or Finalizers.ForegroundDeletion);
        if (deletingWithPolicy || ObjectMeta.OwnerReferences(obj).Count > 0)
            _queue.Add(new ObjectRef(type, ObjectMeta.Namespace(obj), ObjectMeta.Name(obj)));
    }

    void EnqueueDependents(JsonObject owner)
    {
        foreach (var (type, dependent) in Dependents(owner))
            _queue.Add(new ObjectRef(type, ObjectMeta.Namespace(dependent), ObjectMeta.Name(dependent)));
    }

    /// <summary>A dependent changed or went away: owners waiting on their dependents may now finish.</summary>
    void EnqueueDeletingOwners(ResourceType dependentType, JsonObject dependent)
    {
        foreach (var reference in ObjectMeta.OwnerReferences(dependent))
        {
            if (Resolve(reference) is not { } ownerType) continue;
            var ns = ownerType.Namespaced ? ObjectMeta.Namespace(dependent) : "";
            var name = reference["name"]?.GetValue<string>() ?? "";
            if (_types.Contains(ownerType) && _informers.For(ownerType).Cache.Get(ns, name) is { } owner && ObjectMeta.IsBeingDeleted(owner))
                _queue.Add(new ObjectRef(ownerType, ns, name));
        }
    }

    /// <summary>Cached objects that name the owner's uid in their ownerReferences, in a namespace where that reference resolves.</summary>
    IEnumerable<(ResourceType Type, JsonObject Object)> Dependents(JsonObject owner)
    {
        var uid = ObjectMeta.Uid(owner);
        if (uid.Length == 0) yield break;
        var ownerNs = ObjectMeta.Namespace(owner);
        foreach (var informer in _types.Select(_informers.For))
            foreach (var dependent in informer.Cache.ByIndex(InformerCache.OwnerUidIndex, uid))
                if (ownerNs.Length == 0 || ObjectMeta.Namespace(dependent) == ownerNs)
                    yield return (informer.Type, dependent);
    }

    async Task ProcessAsync(ObjectRef item, CancellationToken ct)
    {
        var obj = _informers.For(item.Type).Cache.Get(item.Namespace, item.Name);
        if (obj is null) return;
        if (ObjectMeta.IsBeingDeleted(obj))
        {
            var finalizers = ObjectMeta.Finalizers(obj);
            if (finalizers.Contains(Finalizers.Orphan)) await OrphanDependentsAsync(item.Type, obj, ct);
            else if (finalizers.Contains(Finalizers.ForegroundDeletion)) await DeleteDependentsAsync(item.Type, obj, ct);
            // Otherwise the object is on its way out already; nothing for the collector to decide.
            return;
        }
        await AttemptToDeleteAsync(item.Type, obj, ct);
    }

    /// <summary>The orphan finalizer: strip the ownerReference to this owner from every dependent, then drop the finalizer.</summary>
    async Task OrphanDependentsAsync(ResourceType ownerType, JsonObject owner, CancellationToken ct)
    {
        var uid = ObjectMeta.Uid(owner);
        foreach (var (type, dependent) in Dependents(owner).ToList())
            await RemoveOwnerReferencesAsync(type, dependent, [uid], ct);
        await RemoveFinalizerAsync(ownerType, owner, Finalizers.Orphan, ct);
    }

    /// <summary>The foregroundDeletion finalizer: delete the dependents; finish once none blocks the owner's deletion.</summary>
    async Task DeleteDependentsAsync(ResourceType ownerType, JsonObject owner, CancellationToken ct)
    {
        var uid = ObjectMeta.Uid(owner);
        var dependents = Dependents(owner).ToList();
        var blocking = dependents.Where(d => ObjectMeta.OwnerReferences(d.Object)
            .Any(r => r["uid"]?.GetValue<string>() == uid && r["blockOwnerDeletion"]?.GetValue<bool>() == true)).ToList();
        foreach (var (type, dependent) in dependents)
            _queue.Add(new ObjectRef(type, ObjectMeta.Namespace(dependent), ObjectMeta.Name(dependent)));
        if (blocking.Count == 0)
            await RemoveFinalizerAsync(ownerType, owner, Finalizers.ForegroundDeletion, ct);
        // With blocking dependents left, their DELETED events re-queue this owner.
    }

    enum OwnerState { Solid, Dangling, WaitingForDependentsDeletion, Unresolvable }

    /// <summary>kube's attemptToDeleteItem for an object that is not being deleted.</summary>
    async Task AttemptToDeleteAsync(ResourceType type, JsonObject obj, CancellationToken ct)
    {
        var references = ObjectMeta.OwnerReferences(obj);
        if (references.Count == 0) return;
        var states = new List<(JsonObject Reference, OwnerState State)>();
        foreach (var reference in references)
            states.Add((reference, await ClassifyAsync(type, obj, reference, ct)));

        var solid = states.Count(s => s.State is OwnerState.Solid or OwnerState.Unresolvable);
        var dangling = states.Where(s => s.State == OwnerState.Dangling).ToList();
        var waiting = states.Where(s => s.State == OwnerState.WaitingForDependentsDeletion).ToList();
        if (solid > 0)
        {
            var drop = dangling.Concat(waiting).Select(s => s.Reference["uid"]?.GetValue<string>() ?? "").ToList();
            if (drop.Count > 0) await RemoveOwnerReferencesAsync(type, obj, drop, ct);
            return;
        }

        var finalizers = ObjectMeta.Finalizers(obj);
        var dependents = Dependents(obj).Select(d => d.Object).ToList();
        var hasDependents = dependents.Count > 0;
        if (waiting.Count > 0 && dependents.Any(d => ObjectMeta.IsBeingDeleted(d) && ObjectMeta.Finalizers(d).Contains(Finalizers.ForegroundDeletion)))
            await UnblockOwnerReferencesAsync(type, obj, ct); // kube's cycle guard: an owner must not wait on a chain that waits on it
        var policy = waiting.Count > 0 && hasDependents ? "Foreground"
            : finalizers.Contains(Finalizers.Orphan) ? "Orphan"
            : finalizers.Contains(Finalizers.ForegroundDeletion) ? "Foreground"
            : "Background";
        _log?.Invoke($"garbage collector: deleting {type.GroupResource} {ObjectMeta.Key(obj)} (owners gone), propagationPolicy={policy}");
        try
        {
            await _client.DeleteAsync(type, ObjectMeta.Namespace(obj), ObjectMeta.Name(obj),
                new DeleteOptions { PropagationPolicy = policy, PreconditionUid = ObjectMeta.Uid(obj) }, ct);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }

    async Task<OwnerState> ClassifyAsync(ResourceType dependentType, JsonObject dependent, JsonObject reference, CancellationToken ct)
    {
        var uid = reference["uid"]?.GetValue<string>() ?? "";
        var name = reference["name"]?.GetValue<string>() ?? "";
        if (Resolve(reference) is not { } ownerType)
        {
            _log?.Invoke($"garbage collector: {ObjectMeta.Key(dependent)} names an owner of unknown kind {reference["apiVersion"]}/{reference["kind"]}; keeping it");
            return OwnerState.Unresolvable;
        }
        var dependentNs = ObjectMeta.Namespace(dependent);
        if (!dependentType.Namespaced && ownerType.Namespaced)
        {
            // A cluster-scoped object cannot be owned by a namespaced one: kube reports it and never collects it.
            await ReportInvalidNamespaceAsync(dependent, reference, ct);
            return OwnerState.Unresolvable;
        }
        var ownerNs = ownerType.Namespaced ? dependentNs : "";
        var owner = _types.Contains(ownerType) ? _informers.For(ownerType).Cache.Get(ownerNs, name) : null;
        if ((owner is null || ObjectMeta.Uid(owner) != uid) && !_absentOwners.ContainsKey(uid))
            owner = await _client.TryGetAsync(ownerType, ownerNs, name, ct); // the cache may lag: ask the server
        if (owner is null || ObjectMeta.Uid(owner) != uid)
        {
            if (_absentOwners.Count >= AbsentOwnersCapacity) _absentOwners.Clear();
            _absentOwners.TryAdd(uid, 0);
            if (ownerType.Namespaced && ExistsElsewhere(ownerType, uid, ownerNs))
                await ReportInvalidNamespaceAsync(dependent, reference, ct);
            return OwnerState.Dangling;
        }
        return ObjectMeta.IsBeingDeleted(owner) && ObjectMeta.Finalizers(owner).Contains(Finalizers.ForegroundDeletion)
            ? OwnerState.WaitingForDependentsDeletion
            : OwnerState.Solid;
    }

    bool ExistsElsewhere(ResourceType ownerType, string uid, string ns) =>
        _types.Contains(ownerType) && _informers.For(ownerType).Cache.ByIndex(InformerCache.UidIndex, uid).Any(o => ObjectMeta.Namespace(o) != ns);

    Task ReportInvalidNamespaceAsync(JsonObject dependent, JsonObject reference, CancellationToken ct)
    {
        var ns = ObjectMeta.Namespace(dependent);
        var owner = $"[{reference["apiVersion"]}/{reference["kind"]}, namespace: {ns}, name: {reference["name"]}, uid: {reference["uid"]}]";
        return _recorder.RecordAsync(dependent, EventRecorder.Warning, "OwnerRefInvalidNamespace",
            $"ownerRef {owner} does not exist in namespace \"{ns}\"", ct);
    }

    static ResourceType? Resolve(JsonObject reference) =>
        BuiltinResources.FindByKind(reference["apiVersion"]?.GetValue<string>() ?? "", reference["kind"]?.GetValue<string>() ?? "");

    /// <summary>Merge-patches ownerReferences to the remaining ones, guarded by the cached resourceVersion.</summary>
    async Task RemoveOwnerReferencesAsync(ResourceType type, JsonObject obj, IReadOnlyCollection<string> uids, CancellationToken ct)
    {
        var remaining = new JsonArray(ObjectMeta.OwnerReferences(obj)
            .Where(r => !uids.Contains(r["uid"]?.GetValue<string>() ?? "")).Select(r => (JsonNode)r.DeepClone()).ToArray());
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = remaining.Count == 0 ? null : remaining,
                ["uid"] = ObjectMeta.Uid(obj),
                ["resourceVersion"] = ObjectMeta.ResourceVersion(obj),
            },
        };
        try { await _client.PatchAsync(type, ObjectMeta.Namespace(obj), ObjectMeta.Name(obj), PatchType.Merge, patch, ct: ct); }
        catch (ApiException e) when (e.Code == 404) { }
    }

    /// <summary>Sets blockOwnerDeletion=false on every ownerReference (kube's unblockOwnerReferences patch).</summary>
    async Task UnblockOwnerReferencesAsync(ResourceType type, JsonObject obj, CancellationToken ct)
    {
        var references = new JsonArray(ObjectMeta.OwnerReferences(obj).Select(r =>
        {
            var copy = (JsonObject)r.DeepClone();
            if (copy["blockOwnerDeletion"] is not null) copy["blockOwnerDeletion"] = false;
            return (JsonNode)copy;
        }).ToArray());
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["ownerReferences"] = references, ["uid"] = ObjectMeta.Uid(obj), ["resourceVersion"] = ObjectMeta.ResourceVersion(obj) },
        };
        await _client.PatchAsync(type, ObjectMeta.Namespace(obj), ObjectMeta.Name(obj), PatchType.Merge, patch, ct: ct);
    }

    async Task RemoveFinalizerAsync(ResourceType type, JsonObject obj, string finalizer, CancellationToken ct)
    {
        var rest = new JsonArray(ObjectMeta.Finalizers(obj).Where(f => f != finalizer).Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = rest.Count == 0 ? null : rest,
                ["resourceVersion"] = ObjectMeta.ResourceVersion(obj),
            },
        };
        try { await _client.PatchAsync(type, ObjectMeta.Namespace(obj), ObjectMeta.Name(obj), PatchType.Merge, patch, ct: ct); }
        catch (ApiException e) when (e.Code == 404) { }
    }
}
