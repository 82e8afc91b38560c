using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's DeploymentController (pkg/controller/deployment): one ReplicaSet per pod template (named and labelled with
/// the pod-template-hash), rolled with RollingUpdate (maxSurge/maxUnavailable) or Recreate, scaled proportionally,
/// revisions and history cleanup, paused deployments and the Progressing/Available conditions.
/// The per-sync work is in <see cref="DeploymentSync"/>.
/// </summary>
public sealed class DeploymentController
{
    public const string Component = "deployment-controller";

    readonly Informer _deployments, _replicaSets, _pods;
    readonly WorkQueue<string> _queue = new();
    readonly ApiClient _client;
    readonly EventRecorder _recorder;
    readonly OwnershipClaimer _claimer;
    readonly Action<string>? _log;

    public DeploymentController(SharedInformerFactory informers, Action<string>? log = null)
    {
        _client = informers.Client;
        _log = log;
        _recorder = new EventRecorder(_client, Component, log: log);
        _claimer = new OwnershipClaimer(_client, BuiltinResources.Deployment, BuiltinResources.ReplicaSet);
        _deployments = informers.For(BuiltinResources.Deployment);
        _replicaSets = informers.For(BuiltinResources.ReplicaSet);
        _pods = informers.For(BuiltinResources.Pod);
        _deployments.AddEventHandler(Enqueue, (_, d) => Enqueue(d), Enqueue);
        _replicaSets.AddEventHandler(EnqueueOwner, (old, rs) => { EnqueueOwner(old); EnqueueOwner(rs); }, EnqueueOwner);
        _pods.AddEventHandler(onDelete: OnPodDelete);
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_deployments.WaitForSyncAsync(ct), _replicaSets.WaitForSyncAsync(ct), _pods.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"{Component}: sync {key}: {e.Message}"));
    }

    void Enqueue(JsonObject d) => _queue.Add(ObjectMeta.Key(d));

    JsonObject? DeploymentOf(JsonObject rs)
    {
        var controllerRef = ControllerRefs.ControllerOf(rs);
        if (controllerRef is null || controllerRef.Str("kind") != "Deployment") return null;
        var d = _deployments.Cache.Get(rs.Namespace(), controllerRef.Str("name") ?? "");
        return d?.Uid() == controllerRef.Str("uid") ? d : null;
    }

    void EnqueueOwner(JsonObject rs)
    {
        if (DeploymentOf(rs) is { } d) { Enqueue(d); return; }
        if (ControllerRefs.ControllerOf(rs) is not null) return;
        foreach (var candidate in _deployments.Cache.ByIndex(InformerCache.NamespaceIndex, rs.Namespace()))
            if (LabelSelector.FromJson(candidate.Obj("spec")?.Obj("selector")).Matches(rs.Labels())) Enqueue(candidate);
    }

    /// <summary>Recreate waits for the old pods to be gone, so their deletion is news.</summary>
    void OnPodDelete(JsonObject pod)
    {
        var rsRef = ControllerRefs.ControllerOf(pod);
        if (rsRef?.Str("kind") != "ReplicaSet") return;
        if (_replicaSets.Cache.Get(pod.Namespace(), rsRef.Str("name") ?? "") is { } rs && DeploymentOf(rs) is { } d && !DeploymentUtil.IsRollingUpdate(d))
            Enqueue(d);
    }

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var cached = _deployments.Cache.Get(key);
        if (cached is null) return;
        var d = (JsonObject)cached.DeepClone();
        var selectorJson = d.Obj("spec")?.Obj("selector");
        var sync = new DeploymentSync(_client, _recorder, d, DateTimeOffset.UtcNow);
        if (selectorJson is null || LabelSelector.FromJson(selectorJson).IsEmpty)
        {
            await _recorder.RecordAsync(d, EventRecorder.Warning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.", ct);
            await sync.ObserveGenerationOnlyAsync(ct);
            return;
        }
        var selector = LabelSelector.FromJson(selectorJson);
        var candidates = _replicaSets.Cache.ByIndex(InformerCache.NamespaceIndex, d.Namespace());
        var rsList = (await _claimer.ClaimAsync(d, selector, candidates, ct)).Select(r => (JsonObject)r.DeepClone()).ToList();
        var requeueAfter = await sync.RunAsync(rsList, rs => _pods.Cache.ByIndex(InformerCache.OwnerUidIndex, rs.Uid()!), ct);
        if (requeueAfter is { } after) _queue.AddAfter(key, after);
    }
}
