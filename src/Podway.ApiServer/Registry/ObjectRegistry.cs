using System.Text.Json.Nodes;
using Podway.Api.Defaulting;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Patching;
using Podway.Api.Resources;
using Podway.Api.Validation;
using Podway.Storage;

namespace Podway.ApiServer.Registry;

/// <summary>
/// The generic REST storage of kube-apiserver (k8s.io/apiserver pkg/registry/generic/registry/store.go):
/// create, update and delete with metadata rules, defaulting, validation, admission, graceful deletion and
/// finalizers, over the versioned store. Every handler and subresource goes through here.
/// </summary>
public sealed class ObjectRegistry
{
    readonly IObjectStore _store;
    readonly TimeProvider _clock;
    internal ServiceAllocator Services { get; }

    public ObjectRegistry(IObjectStore store, ApiServerOptions options, TimeProvider? clock = null)
    {
        _store = store;
        _clock = clock ?? TimeProvider.System;
        Services = new ServiceAllocator(options.ServiceCidr, options.NodePortMin, options.NodePortMax);
        Services.Rebuild(store.List(BuiltinResources.Service.StorageKey, null).Items.Select(o => o.Parse()));
    }

    public IObjectStore Store => _store;
    DateTimeOffset Now => _clock.GetUtcNow();

    public StoredObject GetStored(ResourceType type, string ns, string name) =>
        _store.Get(type.StorageKey, type.Namespaced ? ns : "", name) ?? throw NotFound(type, name);

    public async Task<JsonObject> CreateAsync(ResourceType type, string ns, JsonObject obj, WriteOptions options, CancellationToken ct = default)
    {
        CheckTypeMeta(type, obj);
        var meta = obj.Metadata();
        if (type.Namespaced)
        {
            var bodyNs = meta.Str("namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        ObjectMetaRules.PrepareForCreate(type, obj, Now);
        var name = obj.Name();
        if (name.Length == 0)
            throw ApiException.Invalid(type.Group, type.Kind, "", [new(FieldErrorType.Required, "metadata.name", "Required value: name or generateName is required")]);

        Handlers.StrictFields.DropUnknown(type, obj);
        Defaulters.Apply(type, obj);
        if (type == BuiltinResources.Ingress) DefaultIngressClass.Admit(_store, obj);
        Validate(type, obj, null);
        if (type.Namespaced) AdmitNamespace(type, ns, name);
        var allocation = type == BuiltinResources.Service ? Services.Allocate(obj, null) : null;
        if (!options.IsApply) ManagedFields.RecordUpdate(obj, null, options.FieldManager, "Update", type.ApiVersion, Now, type);
        if (options.DryRun)
        {
            allocation?.Rollback();
            return obj;
        }
        try
        {
            var stored = await _store.CreateAsync(type.StorageKey, type.Namespaced ? ns : "", name, obj, ct);
            allocation?.Commit();
            return stored.Parse();
        }
        catch (StoreConflictException e)
        {
            allocation?.Rollback();
            throw Translate(type, e);
        }
        catch
        {
            allocation?.Rollback();
            throw;
        }
    }

    /// <summary>
    /// A full replacement (PUT) of the object or of its status. The body's resourceVersion, when present, is a precondition.
    /// </summary>
    public async Task<JsonObject> UpdateAsync(ResourceType type, string ns, string name, JsonObject obj, WriteOptions options, string? subresource, CancellationToken ct = default)
    {
        CheckTypeMeta(type, obj);
        if (obj.Name() is { Length: > 0 } bodyName && bodyName != name)
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        var current = _store.Get(type.StorageKey, type.Namespaced ? ns : "", name) ?? throw NotFound(type, name);
        long? precondition = ParseRevision(obj.Obj("metadata").Str("resourceVersion"));
        return await CommitUpdateAsync(type, current.Parse(), obj, precondition ?? current.Revision, precondition != null, options, subresource, ct);
    }

    /// <summary>
    /// Read-modify-write with retries on conflict (kube's GuaranteedUpdate): patch, scale and finalize go through here.
    /// When the object is missing and <paramref name="createIfMissing"/> is set, mutate gets null and its result is created.
    /// </summary>
    public async Task<JsonObject> GuaranteedUpdateAsync(ResourceType type, string ns, string name, Func<JsonObject?, JsonObject> mutate,
        WriteOptions options, string? subresource, bool createIfMissing = false, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = _store.Get(type.StorageKey, type.Namespaced ? ns : "", name);
            if (current == null)
            {
                if (!createIfMissing) throw NotFound(type, name);
                var created = mutate(null);
                created.Metadata()["name"] = name;
                try { return await CreateAsync(type, ns, created, options, ct); }
                catch (ApiException e) when (e.Reason == "AlreadyExists" && attempt < 5) { continue; }
            }
            var old = current.Parse();
            var updated = mutate((JsonObject)old.DeepClone());
            var precondition = ParseRevision(updated.Obj("metadata").Str("resourceVersion"));
            var userPrecondition = precondition != null && precondition != current.Revision;
            try
            {
                return await CommitUpdateAsync(type, old, updated, precondition ?? current.Revision, userPrecondition, options, subresource, ct);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && !userPrecondition && attempt < 10)
            {
                // someone else wrote in between: re-read and re-apply, as kube's GuaranteedUpdate does
            }
        }
    }

    async Task<JsonObject> CommitUpdateAsync(ResourceType type, JsonObject old, JsonObject obj, long expectedRevision, bool userPrecondition,
        WriteOptions options, string? subresource, CancellationToken ct)
    {
        var name = old.Name();
        var ns = old.Namespace();
        if (userPrecondition && ParseRevision(old.Obj("metadata").Str("resourceVersion")) != expectedRevision)
            throw ApiException.Conflict(type.Group, type.Plural, name);

        JsonObject updated;
        if (subresource == "status")
        {
            updated = ObjectMetaRules.TakeStatusOnly(obj, old);
        }
        else if (subresource == "ephemeralcontainers")
        {
            updated = ObjectMetaRules.TakeEphemeralContainersOnly(obj, old);
        }
        else
        {
            updated = obj;
            if (type.Namespaced) updated.Metadata()["namespace"] = ns;
            updated.Metadata()["name"] = name;
            ObjectMetaRules.PrepareForUpdate(type, updated, old);
            if (subresource == "finalize" && type == BuiltinResources.Namespace)
                updated = FinalizeNamespace(old, obj);
        }
        updated["kind"] = type.Kind;
        updated["apiVersion"] = type.ApiVersion;
        Handlers.StrictFields.DropUnknown(type, updated);
        Defaulters.Apply(type, updated);
        if (subresource == "ephemeralcontainers") ValidateEphemeralContainers(updated, old);
        else Validate(type, updated, old);
        var allocation = type == BuiltinResources.Service && subresource == null ? Services.Allocate(updated, old) : null;
        if (!options.IsApply) ManagedFields.RecordUpdate(updated, old, options.FieldManager, "Update", type.ApiVersion, Now, type, subresource is "status" or "ephemeralcontainers" ? subresource : "");

        // Unchanged: no write and no new resourceVersion, as kube does for a no-op update.
        var oldMeta = old.Metadata();
        var newMeta = updated.Metadata();
        newMeta["resourceVersion"] = oldMeta.Str("resourceVersion");
        if (JsonNode.DeepEquals(updated, old) || (options.DryRun))
        {
            allocation?.Rollback();
            return updated;
        }

        try
        {
            StoredObject stored;
            if (ShouldDeleteAfterUpdate(type, updated))
            {
                stored = await _store.DeleteAsync(type.StorageKey, type.Namespaced ? ns : "", name, expectedRevision, ct);
                allocation?.Rollback();
                if (type == BuiltinResources.Service) Services.Release(old);
                return updated;
            }
            stored = await _store.UpdateAsync(type.StorageKey, type.Namespaced ? ns : "", name, updated, expectedRevision, ct);
            allocation?.Commit();
            return stored.Parse();
        }
        catch (StoreConflictException e)
        {
            allocation?.Rollback();
            throw Translate(type, e);
        }
        catch
        {
            allocation?.Rollback();
            throw;
        }
    }

    /// <summary>
    /// DELETE: immediate when nothing holds the object back; otherwise marks it (deletionTimestamp, grace period,
    /// propagation finalizers) and leaves the rest to the garbage collector, the namespace controller or the kubelet.
    /// </summary>
    public async Task<DeleteOutcome> DeleteAsync(ResourceType type, string ns, string name, DeleteOptions options, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = _store.Get(type.StorageKey, type.Namespaced ? ns : "", name) ?? throw NotFound(type, name);
            var obj = current.Parse();
            var meta = obj.Metadata();
            if (options.PreconditionUid is { } uid && uid != meta.Str("uid"))
                throw new ApiException(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.Str("uid")}");
            if (options.PreconditionResourceVersion is { } rv && rv != meta.Str("resourceVersion"))
                throw new ApiException(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {meta.Str("resourceVersion")}");

            var finalizers = meta.Arr("finalizers")?.Select(f => f!.GetValue<string>()).ToList() ?? [];
            var propagationFinalizer = options.Propagation switch
            {
                PropagationPolicy.Foreground => "foregroundDeletion",
                PropagationPolicy.Orphan => "orphan",
                _ => null,
            };
            if (propagationFinalizer != null && !finalizers.Contains(propagationFinalizer))
            {
                finalizers.Remove(propagationFinalizer == "orphan" ? "foregroundDeletion" : "orphan");
                finalizers.Add(propagationFinalizer);
            }
            var grace = GracePeriod(type, obj, options);
            var namespaceFinalizers = type == BuiltinResources.Namespace && obj.Obj("spec")?.Arr("finalizers")?.Count > 0;

            if (finalizers.Count == 0 && grace == 0 && !namespaceFinalizers)
            {
                if (options.DryRun) return new DeleteOutcome(true, obj);
                try
                {
                    var deleted = await _store.DeleteAsync(type.StorageKey, type.Namespaced ? ns : "", name, current.Revision, ct);
                    if (type == BuiltinResources.Service) Services.Release(obj);
                    return new DeleteOutcome(true, deleted.Parse());
                }
                catch (StoreConflictException e) when (e.Kind == StoreErrorKind.Conflict && attempt < 10) { continue; }
                catch (StoreConflictException e) { throw Translate(type, e); }
            }

            // Graceful: mark the object; an existing deletionTimestamp only moves earlier (a shorter grace period).
            var deadline = Now.AddSeconds(grace);
            var existing = meta.Str("deletionTimestamp");
            if (existing == null || (DateTimeOffset.TryParse(existing, out var at) && deadline < at))
            {
                meta["deletionTimestamp"] = JsonNodes.Rfc3339(deadline);
                meta["deletionGracePeriodSeconds"] = grace;
            }
            meta["finalizers"] = finalizers.Count > 0 ? new JsonArray(finalizers.Select(f => (JsonNode)f!).ToArray()) : null;
            if (finalizers.Count == 0) meta.Remove("finalizers");
            if (type == BuiltinResources.Namespace)
                obj.Ensure("status")["phase"] = "Terminating";
            if (type.Kind is "Deployment" or "ReplicaSet" or "StatefulSet" && existing == null)
                meta["generation"] = (meta.Long("generation") ?? 0) + 1;
            if (options.DryRun) return new DeleteOutcome(false, obj);
            try
            {
                var stored = await _store.UpdateAsync(type.StorageKey, type.Namespaced ? ns : "", name, obj, current.Revision, ct);
                return new DeleteOutcome(false, stored.Parse());
            }
            catch (StoreConflictException e) when (e.Kind == StoreErrorKind.Conflict && attempt < 10) { }
            catch (StoreConflictException e) { throw Translate(type, e); }
        }
    }

    /// <summary>Pods bound to a node get their grace period (the kubelet finishes the deletion); everything else goes at once.</summary>
    static long GracePeriod(ResourceType type, JsonObject obj, DeleteOptions options)
    {
        if (type != BuiltinResources.Pod) return 0;
        var spec = obj.Obj("spec");
        var phase = obj.Obj("status").Str("phase");
        if (string.IsNullOrEmpty(spec.Str("nodeName")) || phase is "Succeeded" or "Failed") return 0;
        var grace = options.GracePeriodSeconds ?? spec.Long("terminationGracePeriodSeconds") ?? 30;
        return Math.Max(0, grace);
    }

    static bool ShouldDeleteAfterUpdate(ResourceType type, JsonObject obj)
    {
        var meta = obj.Metadata();
        if (meta.Str("deletionTimestamp") == null) return false;
        if (meta.Arr("finalizers")?.Count > 0) return false;
        if (type == BuiltinResources.Namespace) return obj.Obj("spec")?.Arr("finalizers") is not { Count: > 0 };
        return (meta.Long("deletionGracePeriodSeconds") ?? 0) == 0;
    }

    /// <summary>namespaces/{name}/finalize replaces only spec.finalizers.</summary>
    static JsonObject FinalizeNamespace(JsonObject old, JsonObject requested)
    {
        var result = (JsonObject)old.DeepClone();
        var finalizers = requested.Obj("spec")?.Arr("finalizers");
        result.Ensure("spec")["finalizers"] = finalizers?.DeepClone() ?? new JsonArray();
        return result;
    }

    void AdmitNamespace(ResourceType type, string ns, string name)
    {
        var nsObj = _store.Get(BuiltinResources.Namespace.StorageKey, "", ns);
        if (nsObj == null) throw ApiException.NotFound("", "namespaces", ns);
        var parsed = nsObj.Parse();
        if (parsed.Obj("metadata").Str("deletionTimestamp") != null)
        {
            var details = new JsonObject
            {
                ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural,
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated", ["field"] = "metadata.namespace" }),
            };
            throw new ApiException(403, "Forbidden", $"{type.GroupResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", details);
        }
    }

    static void Validate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var validator = Validators.For(type);
        var errors = old == null ? validator.ValidateCreate(obj) : validator.ValidateUpdate(obj, old);
        if (errors.Count > 0) throw ApiException.Invalid(type.Group, type.Kind, obj.Name(), errors);
    }

    static void ValidateEphemeralContainers(JsonObject pod, JsonObject old)
    {
        var errors = PodSubresourceValidation.EphemeralContainersUpdate(pod, old);
        if (errors.Count > 0) throw ApiException.Invalid("", "Pod", pod.Name(), errors);
    }

    static void CheckTypeMeta(ResourceType type, JsonObject obj)
    {
        var apiVersion = obj.Str("apiVersion");
        var kind = obj.Str("kind");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
    }

    static long? ParseRevision(string? rv) => long.TryParse(rv, out var v) ? v : null;

    static ApiException NotFound(ResourceType type, string name) => ApiException.NotFound(type.Group, type.Plural, name);

    static ApiException Translate(ResourceType type, StoreConflictException e) => e.Kind switch
    {
        StoreErrorKind.AlreadyExists => ApiException.AlreadyExists(type.Group, type.Plural, e.Name),
        StoreErrorKind.NotFound => NotFound(type, e.Name),
        _ => ApiException.Conflict(type.Group, type.Plural, e.Name),
    };
}
