using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's ReplicaSetController (pkg/controller/replicaset): keeps spec.replicas active Pods per ReplicaSet, adopting
/// and releasing by selector, deleting the least valuable first, with expectations so that its own in-flight creates
/// and deletes are not counted twice; writes status (replicas, fullyLabeledReplicas, readyReplicas,
/// availableReplicas, observedGeneration, ReplicaFailure).
/// </summary>
public sealed class ReplicaSetController
{
    public const string Component = "replicaset-controller";
    const int BurstReplicas = 500;

    readonly ApiClient _client;
    readonly Informer _replicaSets, _pods;
    readonly PodControl _podControl;
    readonly OwnershipClaimer _claimer;
    readonly Expectations _expectations = new();
    readonly WorkQueue<string> _queue = new();
    readonly Action<string>? _log;

    public ReplicaSetController(SharedInformerFactory informers, Action<string>? log = null)
    {
        _client = informers.Client;
        _log = log;
        _replicaSets = informers.For(BuiltinResources.ReplicaSet);
        _pods = informers.For(BuiltinResources.Pod);
        _podControl = new PodControl(_client, new EventRecorder(_client, Component, log: log));
        _claimer = new OwnershipClaimer(_client, BuiltinResources.ReplicaSet, BuiltinResources.Pod);
        _replicaSets.AddEventHandler(rs => _queue.Add(ObjectMeta.Key(rs)), (_, rs) => _queue.Add(ObjectMeta.Key(rs)),
            rs => { _expectations.Delete(ObjectMeta.Key(rs)); _queue.Add(ObjectMeta.Key(rs)); });
        _pods.AddEventHandler(OnPodAdd, OnPodUpdate, OnPodDelete);
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_replicaSets.WaitForSyncAsync(ct), _pods.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"{Component}: sync {key}: {e.Message}"));
    }

    JsonObject? OwnerOf(JsonObject pod)
    {
        var controllerRef = ControllerRefs.ControllerOf(pod);
        if (controllerRef is null || controllerRef.Str("kind") != "ReplicaSet") return null;
        var rs = _replicaSets.Cache.Get(pod.Namespace(), controllerRef.Str("name") ?? "");
        return rs is not null && rs.Uid() == controllerRef.Str("uid") ? rs : null;
    }

    void EnqueueMatching(JsonObject pod)
    {
        foreach (var rs in _replicaSets.Cache.ByIndex(InformerCache.NamespaceIndex, pod.Namespace()))
            if (LabelSelector.FromJson(rs.Obj("spec")?.Obj("selector")).Matches(pod.Labels()))
                _queue.Add(ObjectMeta.Key(rs));
    }

    void OnPodAdd(JsonObject pod)
    {
        if (PodState.IsTerminating(pod)) { OnPodDelete(pod); return; }
        if (ControllerRefs.ControllerOf(pod) is not null)
        {
            if (OwnerOf(pod) is { } rs)
            {
                _expectations.CreationObserved(ObjectMeta.Key(rs));
                _queue.Add(ObjectMeta.Key(rs));
            }
            return;
        }
        EnqueueMatching(pod);
    }

    void OnPodUpdate(JsonObject old, JsonObject pod)
    {
        if (PodState.IsTerminating(pod) && !PodState.IsTerminating(old)) { OnPodDelete(pod); return; }
        var oldOwner = OwnerOf(old);
        var owner = OwnerOf(pod);
        if (oldOwner is not null && oldOwner.Uid() != owner?.Uid()) _queue.Add(ObjectMeta.Key(oldOwner));
        if (owner is not null)
        {
            var key = ObjectMeta.Key(owner);
            _queue.Add(key);
            // A pod that just became ready turns available minReadySeconds later: look again then.
            var minReady = owner.Obj("spec").Num("minReadySeconds") ?? 0;
            if (minReady > 0 && PodState.IsReady(pod) && !PodState.IsReady(old))
                _queue.AddAfter(key, TimeSpan.FromSeconds(minReady + 1));
            return;
        }
        if (ControllerRefs.ControllerOf(pod) is null) EnqueueMatching(pod); // an orphan: whoever matches may adopt it
    }

    void OnPodDelete(JsonObject pod)
    {
        if (OwnerOf(pod) is not { } rs) return;
        var key = ObjectMeta.Key(rs);
        _expectations.DeletionObserved(key, ObjectMeta.Key(pod));
        _queue.Add(key);
    }

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var rs = _replicaSets.Cache.Get(key);
        if (rs is null) { _expectations.Delete(key); return; }
        var needsSync = _expectations.Satisfied(key);
        var spec = rs.Obj("spec");
        var selector = LabelSelector.FromJson(spec?.Obj("selector"));
        var active = _pods.Cache.ByIndex(InformerCache.NamespaceIndex, rs.Namespace()).Where(PodState.IsActive);
        var pods = await _claimer.ClaimAsync(rs, selector, active, ct);

        Exception? manageError = null;
        if (needsSync && !ObjectMeta.IsBeingDeleted(rs))
        {
            try { await ManageReplicasAsync(rs, key, pods, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { manageError = e; }
        }

        var updated = await UpdateStatusAsync(rs, pods, manageError, ct);
        if (manageError is not null) throw manageError;
        var minReady = spec.Num("minReadySeconds") ?? 0;
        var replicas = spec.Num("replicas") ?? 1;
        var status = updated.Obj("status");
        if (minReady > 0 && status.Num("readyReplicas") == replicas && (status.Num("availableReplicas") ?? 0) != replicas)
            _queue.AddAfter(key, TimeSpan.FromSeconds(minReady));
    }

    async Task ManageReplicasAsync(JsonObject rs, string key, List<JsonObject> pods, CancellationToken ct)
    {
        var diff = pods.Count - (int)(rs.Obj("spec").Num("replicas") ?? 1);
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            _expectations.ExpectCreations(key, toCreate);
            var controllerRef = ControllerRefs.New(rs, BuiltinResources.ReplicaSet.ApiVersion, BuiltinResources.ReplicaSet.Kind);
            var template = rs.Obj("spec")?.Obj("template");
            var created = await SlowStartBatch.RunAsync(toCreate, async () =>
            {
                try { await _podControl.CreateAsync(rs, PodControl.FromTemplate(template, controllerRef, generateName: rs.Name() + "-"), ct); }
                catch (ApiException e) when (e.Code == 403 && e.Message.Contains("being terminated")) { } // kube ignores NamespaceTerminating
            });
            for (var skipped = toCreate - created.Succeeded; skipped > 0; skipped--) _expectations.CreationObserved(key);
            if (created.Error is not null) throw created.Error;
        }
        else if (diff > 0)
        {
            var toDelete = Math.Min(diff, BurstReplicas);
            var victims = PodDeletionOrder.Victims(pods, RelatedPods(rs).Concat(pods).DistinctBy(p => p.Uid()), toDelete, DateTimeOffset.UtcNow);
            _expectations.ExpectDeletions(key, victims.Select(ObjectMeta.Key));
            var errors = new List<Exception>();
            await Task.WhenAll(victims.Select(async pod =>
            {
                try { await _podControl.DeleteAsync(rs, pod, ct); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _expectations.DeletionObserved(key, ObjectMeta.Key(pod));
                    if (e is not ApiException { Code: 404 }) lock (errors) errors.Add(e);
                }
            }));
            if (errors.Count > 0) throw errors[0];
        }
    }

    /// <summary>kube's getIndirectlyRelatedPods: pods of every ReplicaSet sharing this one's controller (a Deployment's family).</summary>
    IEnumerable<JsonObject> RelatedPods(JsonObject rs)
    {
        var ownerUid = ControllerRefs.ControllerUid(rs);
        if (ownerUid is null) return [];
        var family = _replicaSets.Cache.ByIndex(InformerCache.NamespaceIndex, rs.Namespace())
            .Where(r => ControllerRefs.ControllerUid(r) == ownerUid && r.Uid() != rs.Uid());
        return family.SelectMany(r => _pods.Cache.ByIndex(InformerCache.OwnerUidIndex, r.Uid()!)).ToList();
    }

    async Task<JsonObject> UpdateStatusAsync(JsonObject rs, List<JsonObject> pods, Exception? manageError, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var minReady = rs.Obj("spec").Num("minReadySeconds") ?? 0;
        var templateLabels = LabelSelector.FromSet(rs.Obj("spec")?.Obj("template")?.Obj("metadata")?.Obj("labels"));
        var status = (JsonObject?)rs.Obj("status")?.DeepClone() ?? new JsonObject();
        status["replicas"] = pods.Count;
        status["fullyLabeledReplicas"] = pods.Count(p => templateLabels.Matches(p.Labels()));
        status["readyReplicas"] = pods.Count(PodState.IsReady);
        status["availableReplicas"] = pods.Count(p => PodState.IsAvailable(p, minReady, now));
        status = StatusConditions.Reparse(status);
        var failure = StatusConditions.Get(status, "ReplicaFailure");
        if (manageError is not null && failure is null)
        {
            var diff = pods.Count - (rs.Obj("spec").Num("replicas") ?? 1);
            var reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            StatusConditions.Set(status, StatusConditions.New("ReplicaFailure", "True", reason, manageError.Message, now, withUpdateTime: false));
        }
        else if (manageError is null && failure is not null) StatusConditions.Remove(status, "ReplicaFailure");
        status["observedGeneration"] = rs.Obj("metadata").Num("generation") ?? 0;
        foreach (var zero in new[] { "fullyLabeledReplicas", "readyReplicas", "availableReplicas" })
            if (status.Num(zero) == 0) status.Remove(zero); // omitempty, as kube serializes them
        if (JsonNode.DeepEquals(status, rs["status"])) return rs;

        return await StatusWrite.PutAsync(_client, BuiltinResources.ReplicaSet, rs, status, ct);
    }
}
