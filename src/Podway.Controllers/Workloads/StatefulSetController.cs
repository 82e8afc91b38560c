using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's StatefulSetController (pkg/controller/statefulset): Pods &lt;set&gt;-0..N-1 with stable identity (hostname,
/// subdomain, pod-name and pod-index labels), OrderedReady (one at a time, each Running and Ready before the next;
/// scale down from the highest ordinal) or Parallel management, RollingUpdate from the highest ordinal down to the
/// partition. ControllerRevisions are not served by Podway: the revision is "&lt;set&gt;-&lt;template hash&gt;", kept in the
/// controller-revision-hash label and in status.currentRevision/updateRevision.
/// </summary>
public sealed class StatefulSetController
{
    public const string Component = "statefulset-controller";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string RevisionLabel = "controller-revision-hash";

    readonly ApiClient _client;
    readonly Informer _sets, _pods;
    readonly EventRecorder _recorder;
    readonly OwnershipClaimer _claimer;
    readonly WorkQueue<string> _queue = new();
    readonly Action<string>? _log;

    public StatefulSetController(SharedInformerFactory informers, Action<string>? log = null)
    {
        _client = informers.Client;
        _log = log;
        _recorder = new EventRecorder(_client, Component, log: log);
        _claimer = new OwnershipClaimer(_client, BuiltinResources.StatefulSet, BuiltinResources.Pod);
        _sets = informers.For(BuiltinResources.StatefulSet);
        _pods = informers.For(BuiltinResources.Pod);
        _sets.AddEventHandler(Enqueue, (_, s) => Enqueue(s), Enqueue);
        _pods.AddEventHandler(OnPod, (old, pod) => { OnPod(old); OnPod(pod); }, OnPod);
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_sets.WaitForSyncAsync(ct), _pods.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"{Component}: sync {key}: {e.Message}"));
    }

    void Enqueue(JsonObject set) => _queue.Add(ObjectMeta.Key(set));

    void OnPod(JsonObject pod)
    {
        var controllerRef = ControllerRefs.ControllerOf(pod);
        if (controllerRef is not null)
        {
            if (controllerRef.Str("kind") == "StatefulSet") _queue.Add(ObjectMeta.Key(pod.Namespace(), controllerRef.Str("name") ?? ""));
            return;
        }
        foreach (var set in _sets.Cache.ByIndex(InformerCache.NamespaceIndex, pod.Namespace()))
            if (LabelSelector.FromJson(set.Obj("spec")?.Obj("selector")).Matches(pod.Labels())) Enqueue(set);
    }

    static (string Parent, int Ordinal)? ParseName(string name)
    {
        var dash = name.LastIndexOf('-');
        return dash > 0 && int.TryParse(name[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? (name[..dash], ordinal) : null;
    }

    public static string Revision(JsonObject set) =>
        $"{set.Name()}-{TemplateHash.Compute(set.Obj("spec")?.Obj("template"), set.Obj("status").Num("collisionCount") ?? 0)}";

    static bool IsHealthy(JsonObject pod, long minReadySeconds, DateTimeOffset now) =>
        PodState.IsRunningAndReady(pod) && !PodState.IsTerminating(pod) && PodState.IsAvailable(pod, minReadySeconds, now);

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var set = _sets.Cache.Get(key);
        if (set is null) return;
        var selector = LabelSelector.FromJson(set.Obj("spec")?.Obj("selector"));
        var candidates = _pods.Cache.ByIndex(InformerCache.NamespaceIndex, set.Namespace());
        var owned = (await _claimer.ClaimAsync(set, selector, candidates, ct))
            .Where(p => ParseName(p.Name()) is { } parsed && parsed.Parent == set.Name()).ToList();
        if (!ObjectMeta.IsBeingDeleted(set)) await UpdateSetAsync(set, owned, ct);
        await UpdateStatusAsync(set, key, ct);
    }

    /// <summary>One pass of kube's updateStatefulSet; in OrderedReady it stops at the first thing to wait for.</summary>
    async Task UpdateSetAsync(JsonObject set, List<JsonObject> pods, CancellationToken ct)
    {
        var spec = set.Obj("spec")!;
        var replicas = (int)(spec.Num("replicas") ?? 1);
        var monotonic = spec.Str("podManagementPolicy") != "Parallel";
        var minReady = spec.Num("minReadySeconds") ?? 0;
        var now = DateTimeOffset.UtcNow;
        var updateRevision = Revision(set);
        var byOrdinal = pods.ToDictionary(p => ParseName(p.Name())!.Value.Ordinal);
        var condemned = byOrdinal.Where(kv => kv.Key >= replicas).OrderByDescending(kv => kv.Key).Select(kv => kv.Value).ToList();

        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod))
            {
                await CreatePodAsync(set, ordinal, updateRevision, ct);
                if (monotonic) return;
                continue;
            }
            if (PodState.Phase(pod) is "Failed" or "Succeeded")
            {
                // kube deletes a finished pod and recreates it on a later pass.
                if (!PodState.IsTerminating(pod)) await DeletePodAsync(set, pod, ct);
                if (monotonic) return;
                continue;
            }
            if (monotonic && (PodState.IsTerminating(pod) || !IsHealthy(pod, minReady, now)))
            {
                if (minReady > 0 && PodState.IsRunningAndReady(pod)) _queue.AddAfter(ObjectMeta.Key(set), TimeSpan.FromSeconds(minReady));
                return;
            }
        }

        foreach (var pod in condemned)
        {
            if (PodState.IsTerminating(pod)) { if (monotonic) return; continue; }
            if (monotonic && byOrdinal.Where(kv => kv.Key < ParseName(pod.Name())!.Value.Ordinal).Any(kv => !IsHealthy(kv.Value, minReady, now))) return;
            await DeletePodAsync(set, pod, ct);
            if (monotonic) return;
        }

        if (spec.Obj("updateStrategy").Str("type") == "OnDelete") return;
        var partition = (int)(spec.Obj("updateStrategy")?.Obj("rollingUpdate").Num("partition") ?? 0);
        for (var ordinal = replicas - 1; ordinal >= partition; ordinal--)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod)) return;
            if (pod.Labels().Str(RevisionLabel) != updateRevision && !PodState.IsTerminating(pod))
            {
                await DeletePodAsync(set, pod, ct);
                return;
            }
            if (!IsHealthy(pod, minReady, now)) return;
        }
    }

    async Task CreatePodAsync(JsonObject set, int ordinal, string revision, CancellationToken ct)
    {
        var name = $"{set.Name()}-{ordinal}";
        var pod = PodControl.FromTemplate(set.Obj("spec")?.Obj("template"), ControllerRefs.New(set, "apps/v1", "StatefulSet"), name: name);
        var labels = pod.Metadata().Ensure("labels");
        labels[PodNameLabel] = name;
        labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        labels[RevisionLabel] = revision;
        var podSpec = pod.Ensure("spec");
        podSpec["hostname"] = name;
        if (set.Obj("spec").Str("serviceName") is { Length: > 0 } service) podSpec["subdomain"] = service;
        try
        {
            await _client.CreateAsync(BuiltinResources.Pod, set.Namespace(), pod, ct);
            await _recorder.RecordAsync(set, EventRecorder.Normal, "SuccessfulCreate", $"create Pod {name} in StatefulSet {set.Name()} successful", ct);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists") { } // not in our cache yet
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await _recorder.RecordAsync(set, EventRecorder.Warning, "FailedCreate", $"create Pod {name} in StatefulSet {set.Name()} failed error: {e.Message}", ct);
            throw;
        }
    }

    async Task DeletePodAsync(JsonObject set, JsonObject pod, CancellationToken ct)
    {
        try
        {
            await _client.DeleteAsync(BuiltinResources.Pod, pod.Namespace(), pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, ct);
            await _recorder.RecordAsync(set, EventRecorder.Normal, "SuccessfulDelete", $"delete Pod {pod.Name()} in StatefulSet {set.Name()} successful", ct);
        }
        catch (ApiException e) when (e.Code == 404) { }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await _recorder.RecordAsync(set, EventRecorder.Warning, "FailedDelete", $"delete Pod {pod.Name()} in StatefulSet {set.Name()} failed error: {e.Message}", ct);
            throw;
        }
    }

    /// <summary>Status from a fresh read of the pods this pass left (the cache may not show this pass's own writes yet).</summary>
    async Task UpdateStatusAsync(JsonObject cachedSet, string key, CancellationToken ct)
    {
        var set = _sets.Cache.Get(key) ?? cachedSet;
        var now = DateTimeOffset.UtcNow;
        var minReady = set.Obj("spec").Num("minReadySeconds") ?? 0;
        var updateRevision = Revision(set);
        var pods = _pods.Cache.ByIndex(InformerCache.OwnerUidIndex, set.Uid()!)
            .Where(p => ControllerRefs.ControllerUid(p) == set.Uid() && ParseName(p.Name())?.Parent == set.Name()).ToList();
        var previous = set.Obj("status");
        var currentRevision = previous.Str("currentRevision") is { Length: > 0 } c ? c : updateRevision;
        var counted = pods.Where(p => PodState.Phase(p) is not ("Failed" or "Succeeded")).ToList();
        var status = new JsonObject
        {
            ["observedGeneration"] = set.Obj("metadata").Num("generation") ?? 0,
            ["replicas"] = counted.Count,
            ["readyReplicas"] = counted.Count(PodState.IsRunningAndReady),
            ["availableReplicas"] = counted.Count(p => PodState.IsRunningAndReady(p) && PodState.IsAvailable(p, minReady, now)),
            ["currentReplicas"] = counted.Count(p => !PodState.IsTerminating(p) && p.Labels().Str(RevisionLabel) == currentRevision),
            ["updatedReplicas"] = counted.Count(p => !PodState.IsTerminating(p) && p.Labels().Str(RevisionLabel) == updateRevision),
            ["currentRevision"] = currentRevision,
            ["updateRevision"] = updateRevision,
            ["collisionCount"] = previous.Num("collisionCount") ?? 0,
        };
        status = StatusConditions.Reparse(status);
        // completeRollingUpdate: once every pod is updated and ready, the update revision becomes current.
        var replicas = status.Num("replicas");
        if (set.Obj("spec")?.Obj("updateStrategy").Str("type") != "OnDelete"
            && status.Num("updatedReplicas") == replicas && status.Num("readyReplicas") == replicas)
        {
            status["currentReplicas"] = status.Num("updatedReplicas");
            status["currentRevision"] = updateRevision;
        }
        if (previous?.Arr("conditions") is { } conditions) status["conditions"] = conditions.DeepClone();
        foreach (var zero in new[] { "readyReplicas", "currentReplicas", "updatedReplicas" })
            if (status.Num(zero) == 0) status.Remove(zero);
        if (JsonNode.DeepEquals(status, previous)) return;
        var copy = (JsonObject)set.DeepClone();
        copy["status"] = status;
        await _client.UpdateStatusAsync(BuiltinResources.StatefulSet, copy, ct);
    }
}
