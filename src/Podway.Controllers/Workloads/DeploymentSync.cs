using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>
/// One syncDeployment pass of kube's deployment controller over a Deployment and the ReplicaSets it owns. Writes go
/// through the API; the local copies are replaced by what the server returns so later writes in the pass see them.
/// </summary>
internal sealed class DeploymentSync(ApiClient client, EventRecorder recorder, JsonObject deployment, DateTimeOffset now)
{
    JsonObject _d = deployment;
    List<JsonObject> _rsList = [];
    TimeSpan? _requeue;

    string Name => _d.Name();
    JsonObject Spec => _d.Obj("spec") ?? new JsonObject();
    JsonObject Status => _d.Ensure("status");
    long? ProgressDeadline => Spec.Num("progressDeadlineSeconds") is { } s && s != int.MaxValue ? s : null;

    public async Task<TimeSpan?> RunAsync(List<JsonObject> rsList, Func<JsonObject, IReadOnlyList<JsonObject>> podsOf, CancellationToken ct)
    {
        _rsList = rsList;
        if (_d.Obj("metadata").Str("deletionTimestamp") is not null)
        {
            var (newRS, oldRSs) = await GetAllAsync(createIfMissing: false, ct);
            await SyncStatusOnlyAsync(newRS, oldRSs, ct);
            return null;
        }
        await CheckPausedConditionsAsync(ct);
        if (Spec.Bool("paused") == true || await IsScalingEventAsync(ct))
        {
            await SyncAsync(ct);
            return _requeue;
        }
        if (DeploymentUtil.IsRollingUpdate(_d)) await RolloutRollingAsync(ct);
        else await RolloutRecreateAsync(podsOf, ct);
        return _requeue;
    }

    public async Task ObserveGenerationOnlyAsync(CancellationToken ct)
    {
        var generation = _d.Obj("metadata").Num("generation") ?? 0;
        if ((Status.Num("observedGeneration") ?? 0) >= generation) return;
        Status["observedGeneration"] = generation;
        await WriteStatusAsync(ct);
    }

    // ---- ReplicaSets and revisions (getAllReplicaSetsAndSyncRevision) ----

    async Task<(JsonObject? New, List<JsonObject> Old)> GetAllAsync(bool createIfMissing, CancellationToken ct)
    {
        var existing = DeploymentUtil.FindNew(_d, _rsList);
        var oldRSs = _rsList.Where(rs => !ReferenceEquals(rs, existing)).ToList();
        var newRS = await GetNewReplicaSetAsync(existing, oldRSs, createIfMissing, ct);
        return (newRS, _rsList.Where(rs => !ReferenceEquals(rs, newRS)).ToList());
    }

    async Task<JsonObject?> GetNewReplicaSetAsync(JsonObject? existing, List<JsonObject> oldRSs, bool createIfMissing, CancellationToken ct)
    {
        var newRevision = DeploymentUtil.MaxRevision(oldRSs) + 1;
        var minReady = Spec.Num("minReadySeconds") ?? 0;
        if (existing is not null)
        {
            var copy = (JsonObject)existing.DeepClone();
            var annotationsChanged = DeploymentUtil.SetNewReplicaSetAnnotations(_d, copy, newRevision, exists: true);
            if (annotationsChanged || (copy.Obj("spec").Num("minReadySeconds") ?? 0) != minReady)
            {
                copy.Ensure("spec")["minReadySeconds"] = minReady;
                return Replace(existing, await client.UpdateAsync(BuiltinResources.ReplicaSet, copy, ct));
            }
            var needsStatus = false;
            if (ProgressDeadline is not null && StatusConditions.Get(Status, "Progressing") is null)
            {
                StatusConditions.Set(Status, StatusConditions.New("Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{copy.Name()}\"", now, true));
                needsStatus = true;
            }
            await SetRevisionAsync(copy.Obj("metadata")?.Obj("annotations").Str(DeploymentUtil.RevisionAnnotation), ct);
            if (needsStatus) await WriteStatusAsync(ct);
            return existing;
        }
        if (!createIfMissing) return null;

        var template = (JsonObject)Spec.Obj("template")!.DeepClone();
        var hash = TemplateHash.Compute(Spec.Obj("template"), Status.Num("collisionCount"));
        template.Metadata().Ensure("labels")[DeploymentUtil.HashLabel] = hash;
        var selector = (JsonObject)Spec.Obj("selector")!.DeepClone();
        selector.Ensure("matchLabels")[DeploymentUtil.HashLabel] = hash;
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{Name}-{hash}",
                ["namespace"] = _d.Namespace(),
                ["labels"] = template.Obj("metadata")!.Obj("labels")!.DeepClone(),
                ["ownerReferences"] = new JsonArray(ControllerRefs.New(_d, "apps/v1", "Deployment")),
            },
            ["spec"] = new JsonObject { ["replicas"] = 0, ["minReadySeconds"] = minReady, ["selector"] = selector, ["template"] = template },
        };
        var replicas = DeploymentUtil.NewRSNewReplicas(_d, oldRSs.Append(rs), rs);
        rs["spec"]!["replicas"] = replicas;
        DeploymentUtil.SetNewReplicaSetAnnotations(_d, rs, newRevision, exists: false);

        JsonObject created;
        var alreadyExists = false;
        try { created = await client.CreateAsync(BuiltinResources.ReplicaSet, _d.Namespace(), rs, ct); }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            var found = await client.GetAsync(BuiltinResources.ReplicaSet, _d.Namespace(), rs.Name(), ct);
            if (ControllerRefs.ControllerUid(found) == _d.Uid() && DeploymentUtil.EqualIgnoreHash(found.Obj("spec")?.Obj("template"), Spec.Obj("template")))
            {
                created = found;
                alreadyExists = true;
            }
            else
            {
                // A hash collision: bump collisionCount so the next attempt names the ReplicaSet differently.
                Status["collisionCount"] = (Status.Num("collisionCount") ?? 0) + 1;
                await WriteStatusAsync(ct);
                throw new InvalidOperationException($"hash collision for ReplicaSet {rs.Name()}: collisionCount is now {Status.Num("collisionCount")}");
            }
        }
        if (!alreadyExists && replicas > 0)
            await recorder.RecordAsync(_d, EventRecorder.Normal, "ScalingReplicaSet", $"Scaled up replica set {created.Name()} from 0 to {replicas}", ct);
        _rsList.Add(created);
        await SetRevisionAsync(newRevision.ToString(CultureInfo.InvariantCulture), ct);
        if (!alreadyExists && ProgressDeadline is not null)
        {
            StatusConditions.Set(Status, StatusConditions.New("Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{created.Name()}\"", now, true));
            await WriteStatusAsync(ct);
        }
        return created;
    }

    JsonObject Replace(JsonObject old, JsonObject updated)
    {
        var i = _rsList.FindIndex(r => ReferenceEquals(r, old));
        if (i >= 0) _rsList[i] = updated;
        return updated;
    }

    /// <summary>SetDeploymentRevision. kube keeps annotations through status writes; our status subresource does not, so this is a metadata patch.</summary>
    async Task SetRevisionAsync(string? revision, CancellationToken ct)
    {
        if (revision is null || _d.Obj("metadata")?.Obj("annotations").Str(DeploymentUtil.RevisionAnnotation) == revision) return;
        var patched = await client.PatchAsync(BuiltinResources.Deployment, _d.Namespace(), Name, PatchType.Merge,
            new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [DeploymentUtil.RevisionAnnotation] = revision } } }, ct: ct);
        // Keep the status this pass is building: moved out of the old object first, as a node lives in one tree.
        var status = Status;
        _d.Remove("status");
        _d = patched;
        _d["status"] = status;
    }

    async Task WriteStatusAsync(CancellationToken ct)
    {
        var updated = await client.UpdateStatusAsync(BuiltinResources.Deployment, _d, ct);
        _d = updated;
    }

    // ---- scaling (sync, scale, scaleReplicaSet) ----

    async Task<bool> IsScalingEventAsync(CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllAsync(createIfMissing: false, ct);
        return DeploymentUtil.Active(oldRSs.Append(newRS)).Any(rs =>
            DeploymentUtil.DesiredReplicasAnnotationOf(rs) is { } desired && desired != DeploymentUtil.Replicas(_d));
    }

    async Task SyncAsync(CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllAsync(createIfMissing: false, ct);
        await ScaleAsync(newRS, oldRSs, ct);
        (newRS, oldRSs) = (Current(newRS), oldRSs.Select(Current).OfType<JsonObject>().ToList());
        if (Spec.Bool("paused") == true) await CleanupAsync(oldRSs, ct);
        await SyncStatusOnlyAsync(newRS, oldRSs, ct);
    }

    /// <summary>The latest local copy of a ReplicaSet (after this pass's writes).</summary>
    JsonObject? Current(JsonObject? rs) => rs is null ? null : _rsList.FirstOrDefault(r => r.Uid() == rs.Uid()) ?? rs;

    async Task ScaleAsync(JsonObject? newRS, List<JsonObject> oldRSs, CancellationToken ct)
    {
        var desired = DeploymentUtil.Replicas(_d);
        if (DeploymentUtil.FindActiveOrLatest(newRS, oldRSs) is { } single)
        {
            if (DeploymentUtil.Replicas(single) != desired) await ScaleReplicaSetAsync(single, desired, null, ct);
            return;
        }
        if (DeploymentUtil.IsSaturated(_d, newRS))
        {
            foreach (var old in DeploymentUtil.Active(oldRSs).ToList()) await ScaleReplicaSetAsync(old, 0, null, ct);
            return;
        }
        if (!DeploymentUtil.IsRollingUpdate(_d)) return;
        var all = DeploymentUtil.Active(oldRSs.Append(newRS)).ToList();
        var allowed = desired > 0 ? desired + DeploymentUtil.MaxSurge(_d) : 0;
        var toAdd = allowed - DeploymentUtil.SpecReplicasSum(all);
        string? operation = null;
        if (toAdd > 0)
        {
            all = [.. all.OrderByDescending(DeploymentUtil.Replicas).ThenByDescending(r => PodState.CreationTime(r))]; // ReplicaSetsBySizeNewer
            operation = "up";
        }
        else if (toAdd < 0)
        {
            all = [.. all.OrderByDescending(DeploymentUtil.Replicas).ThenBy(r => PodState.CreationTime(r))]; // ReplicaSetsBySizeOlder
            operation = "down";
        }
        var added = 0;
        var sizes = new Dictionary<string, int>();
        foreach (var rs in all)
        {
            var proportion = toAdd != 0 ? DeploymentUtil.Proportion(rs, _d, toAdd, added) : 0;
            sizes[rs.Name()] = DeploymentUtil.Replicas(rs) + proportion;
            added += proportion;
        }
        if (toAdd != 0 && all.Count > 0)
            sizes[all[0].Name()] = Math.Max(0, sizes[all[0].Name()] + toAdd - added);
        foreach (var rs in all) await ScaleReplicaSetAsync(rs, sizes[rs.Name()], operation, ct);
    }

    /// <summary>scaleReplicaSet: size and replica annotations in one update; an event when the size changed.</summary>
    async Task<(bool Scaled, JsonObject Rs)> ScaleReplicaSetAsync(JsonObject rs, int size, string? operation, CancellationToken ct)
    {
        var oldSize = DeploymentUtil.Replicas(rs);
        operation ??= oldSize < size ? "up" : "down";
        var desired = DeploymentUtil.Replicas(_d);
        var max = desired + DeploymentUtil.MaxSurge(_d);
        var sizeChanged = oldSize != size;
        if (!sizeChanged && !DeploymentUtil.ReplicasAnnotationsNeedUpdate(rs, desired, max)) return (false, rs);
        var copy = (JsonObject)rs.DeepClone();
        copy.Ensure("spec")["replicas"] = size;
        DeploymentUtil.SetReplicasAnnotations(copy, desired, max);
        var updated = Replace(rs, await client.UpdateAsync(BuiltinResources.ReplicaSet, copy, ct));
        if (sizeChanged)
            await recorder.RecordAsync(_d, EventRecorder.Normal, "ScalingReplicaSet", $"Scaled {operation} replica set {rs.Name()} from {oldSize} to {size}", ct);
        return (sizeChanged, updated);
    }

    // ---- rollouts ----

    async Task RolloutRollingAsync(CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllAsync(createIfMissing: true, ct);
        if (newRS is not null && await ReconcileNewAsync(newRS, oldRSs, ct))
        {
            await SyncRolloutStatusAsync(Current(newRS), oldRSs.Select(Current).OfType<JsonObject>().ToList(), ct);
            return;
        }
        newRS = Current(newRS);
        if (newRS is not null && await ReconcileOldAsync(newRS, oldRSs, ct))
        {
            await SyncRolloutStatusAsync(Current(newRS), oldRSs.Select(Current).OfType<JsonObject>().ToList(), ct);
            return;
        }
        oldRSs = oldRSs.Select(Current).OfType<JsonObject>().ToList();
        if (IsComplete(_d.Obj("status"))) await CleanupAsync(oldRSs, ct);
        await SyncRolloutStatusAsync(Current(newRS), oldRSs, ct);
    }

    async Task<bool> ReconcileNewAsync(JsonObject newRS, List<JsonObject> oldRSs, CancellationToken ct)
    {
        var desired = DeploymentUtil.Replicas(_d);
        var current = DeploymentUtil.Replicas(newRS);
        if (current == desired) return false;
        if (current > desired) return (await ScaleReplicaSetAsync(newRS, desired, null, ct)).Scaled;
        var size = DeploymentUtil.NewRSNewReplicas(_d, oldRSs.Append(newRS), newRS);
        return (await ScaleReplicaSetAsync(newRS, size, null, ct)).Scaled;
    }

    async Task<bool> ReconcileOldAsync(JsonObject newRS, List<JsonObject> oldRSs, CancellationToken ct)
    {
        var oldActive = DeploymentUtil.Active(oldRSs).ToList();
        if (DeploymentUtil.SpecReplicasSum(oldActive) == 0) return false;
        var allCount = DeploymentUtil.SpecReplicasSum(oldRSs.Append(newRS));
        var minAvailable = DeploymentUtil.Replicas(_d) - DeploymentUtil.MaxUnavailable(_d);
        var newUnavailable = DeploymentUtil.Replicas(newRS) - DeploymentUtil.Available(newRS);
        var maxScaledDown = allCount - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) return false;

        // cleanupUnhealthyReplicas: first drop old replicas that are not available anyway.
        var cleaned = 0;
        foreach (var rs in DeploymentUtil.ByCreation(oldActive).ToList())
        {
            if (cleaned >= maxScaledDown) break;
            var replicas = DeploymentUtil.Replicas(rs);
            if (replicas == 0 || replicas == DeploymentUtil.Available(rs)) continue;
            var count = Math.Min(maxScaledDown - cleaned, replicas - DeploymentUtil.Available(rs));
            await ScaleReplicaSetAsync(rs, replicas - count, null, ct);
            cleaned += count;
        }

        // scaleDownOldReplicaSetsForRollingUpdate: then scale down as far as availability allows.
        var olds = oldRSs.Select(Current).OfType<JsonObject>().ToList();
        var available = olds.Append(Current(newRS)!).Sum(DeploymentUtil.Available);
        var scaledDown = 0;
        if (available > minAvailable)
        {
            var total = available - minAvailable;
            foreach (var rs in DeploymentUtil.ByCreation(olds).ToList())
            {
                if (scaledDown >= total) break;
                var replicas = DeploymentUtil.Replicas(rs);
                if (replicas == 0) continue;
                var count = Math.Min(replicas, total - scaledDown);
                await ScaleReplicaSetAsync(rs, replicas - count, null, ct);
                scaledDown += count;
            }
        }
        return cleaned + scaledDown > 0;
    }

    async Task RolloutRecreateAsync(Func<JsonObject, IReadOnlyList<JsonObject>> podsOf, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllAsync(createIfMissing: false, ct);
        var scaledDown = false;
        foreach (var rs in DeploymentUtil.Active(oldRSs).ToList())
            scaledDown |= (await ScaleReplicaSetAsync(rs, 0, null, ct)).Scaled;
        oldRSs = oldRSs.Select(Current).OfType<JsonObject>().ToList();
        if (scaledDown || OldPodsRunning(newRS, oldRSs, podsOf))
        {
            await SyncRolloutStatusAsync(Current(newRS), oldRSs, ct);
            return;
        }
        if (newRS is null) (newRS, oldRSs) = await GetAllAsync(createIfMissing: true, ct);
        if (newRS is not null) await ReconcileNewAsync(newRS, oldRSs, ct);
        newRS = Current(newRS);
        if (IsComplete(_d.Obj("status"))) await CleanupAsync(oldRSs, ct);
        await SyncRolloutStatusAsync(newRS, oldRSs, ct);
    }

    /// <summary>oldPodsRunning: Recreate starts the new pods only once no old pod is left that could still run.</summary>
    static bool OldPodsRunning(JsonObject? newRS, List<JsonObject> oldRSs, Func<JsonObject, IReadOnlyList<JsonObject>> podsOf)
    {
        if (oldRSs.Sum(DeploymentUtil.StatusReplicas) > 0) return true;
        return oldRSs.Where(rs => rs.Uid() != newRS?.Uid())
            .SelectMany(podsOf).Any(p => PodState.Phase(p) is not ("Failed" or "Succeeded"));
    }

    /// <summary>cleanupDeployment: deletes the oldest idle ReplicaSets beyond revisionHistoryLimit.</summary>
    async Task CleanupAsync(List<JsonObject> oldRSs, CancellationToken ct)
    {
        if (Spec.Num("revisionHistoryLimit") is not { } limit) return;
        var cleanable = oldRSs.Where(rs => rs.Obj("metadata").Str("deletionTimestamp") is null).ToList();
        var diff = cleanable.Count - (int)limit;
        if (diff <= 0) return;
        foreach (var rs in cleanable.OrderBy(DeploymentUtil.Revision).ThenBy(r => PodState.CreationTime(r)).Take(diff))
        {
            if (DeploymentUtil.StatusReplicas(rs) != 0 || DeploymentUtil.Replicas(rs) != 0
                || (rs.Obj("metadata").Num("generation") ?? 0) > (rs.Obj("status").Num("observedGeneration") ?? 0)) continue;
            try { await client.DeleteAsync(BuiltinResources.ReplicaSet, rs.Namespace(), rs.Name(), new DeleteOptions { PreconditionUid = rs.Uid() }, ct); }
            catch (ApiException e) when (e.Code == 404) { }
        }
    }

    // ---- status and conditions ----

    bool IsComplete(JsonObject? status) =>
        status is not null
        && status.Num("updatedReplicas") == DeploymentUtil.Replicas(_d)
        && status.Num("replicas") == DeploymentUtil.Replicas(_d)
        && status.Num("availableReplicas") == DeploymentUtil.Replicas(_d)
        && (status.Num("observedGeneration") ?? 0) >= (_d.Obj("metadata").Num("generation") ?? 0);

    JsonObject CalculateStatus(JsonObject? newRS, List<JsonObject> oldRSs)
    {
        var all = oldRSs.Append(newRS).OfType<JsonObject>().ToList();
        var available = all.Sum(DeploymentUtil.Available);
        var unavailable = Math.Max(0, DeploymentUtil.SpecReplicasSum(all) - available);
        var status = new JsonObject
        {
            ["observedGeneration"] = _d.Obj("metadata").Num("generation") ?? 0,
            ["replicas"] = all.Sum(DeploymentUtil.StatusReplicas),
            ["updatedReplicas"] = newRS is null ? 0 : DeploymentUtil.StatusReplicas(newRS),
            ["readyReplicas"] = all.Sum(DeploymentUtil.Ready),
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = unavailable,
        };
        if (Status.Num("collisionCount") is { } collisions) status["collisionCount"] = collisions;
        status = StatusConditions.Reparse(status);
        if (Status.Arr("conditions") is { } conditions) status["conditions"] = conditions.DeepClone();
        var condition = available >= DeploymentUtil.Replicas(_d) - DeploymentUtil.MaxUnavailable(_d)
            ? StatusConditions.New("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now, true)
            : StatusConditions.New("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now, true);
        StatusConditions.Set(status, condition);
        return status;
    }

    async Task SyncStatusOnlyAsync(JsonObject? newRS, List<JsonObject> oldRSs, CancellationToken ct)
    {
        var status = CalculateStatus(newRS, oldRSs);
        await WriteIfChangedAsync(status, ct);
    }

    async Task WriteIfChangedAsync(JsonObject status, CancellationToken ct)
    {
        foreach (var zero in new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas" })
            if (status.Num(zero) == 0) status.Remove(zero); // omitempty, as kube serializes them
        if (JsonNode.DeepEquals(status, _d["status"])) return;
        _d["status"] = status;
        await WriteStatusAsync(ct);
    }

    /// <summary>syncRolloutStatus: the Progressing condition (progress, completion, deadline) on top of the status.</summary>
    async Task SyncRolloutStatusAsync(JsonObject? newRS, List<JsonObject> oldRSs, CancellationToken ct)
    {
        var status = CalculateStatus(newRS, oldRSs);
        var deadline = ProgressDeadline;
        if (deadline is null) StatusConditions.Remove(status, "Progressing");
        var current = StatusConditions.Get(Status, "Progressing");
        var alreadyComplete = status.Num("replicas") == status.Num("updatedReplicas") && current.Str("reason") == "NewReplicaSetAvailable";
        if (deadline is not null && !alreadyComplete)
        {
            if (IsComplete(status))
            {
                var message = newRS is null ? $"Deployment \"{Name}\" has successfully progressed." : $"ReplicaSet \"{newRS.Name()}\" has successfully progressed.";
                StatusConditions.Set(status, StatusConditions.New("Progressing", "True", "NewReplicaSetAvailable", message, now, true));
            }
            else if (IsProgressing(status))
            {
                var message = newRS is null ? $"Deployment \"{Name}\" is progressing." : $"ReplicaSet \"{newRS.Name()}\" is progressing.";
                var condition = StatusConditions.New("Progressing", "True", "ReplicaSetUpdated", message, now, true);
                if (current is not null)
                {
                    if (current.Str("status") == "True") condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
                    StatusConditions.Remove(status, "Progressing");
                }
                StatusConditions.Set(status, condition);
            }
            else if (TimedOut(status, deadline.Value))
            {
                var message = newRS is null ? $"Deployment \"{Name}\" has timed out progressing." : $"ReplicaSet \"{newRS.Name()}\" has timed out progressing.";
                StatusConditions.Set(status, StatusConditions.New("Progressing", "False", "ProgressDeadlineExceeded", message, now, true));
            }
        }
        var failure = oldRSs.Append(newRS).OfType<JsonObject>().Select(rs => StatusConditions.Get(rs.Obj("status"), "ReplicaFailure"))
            .FirstOrDefault(c => c is not null && c.Str("status") == "True");
        if (failure is not null)
            StatusConditions.Set(status, StatusConditions.New("ReplicaFailure", failure.Str("status")!, failure.Str("reason") ?? "", failure.Str("message") ?? "", now, true));
        else StatusConditions.Remove(status, "ReplicaFailure");

        RequeueStuck(status, deadline);
        await WriteIfChangedAsync(status, ct);
    }

    bool IsProgressing(JsonObject status)
    {
        long Old(JsonObject? s, string f) => s.Num(f) ?? 0;
        var before = _d.Obj("status");
        var oldOld = Old(before, "replicas") - Old(before, "updatedReplicas");
        var newOld = Old(status, "replicas") - Old(status, "updatedReplicas");
        return Old(status, "updatedReplicas") > Old(before, "updatedReplicas") || newOld < oldOld
            || Old(status, "readyReplicas") > Old(before, "readyReplicas") || Old(status, "availableReplicas") > Old(before, "availableReplicas");
    }

    bool TimedOut(JsonObject status, long deadline)
    {
        var condition = StatusConditions.Get(status, "Progressing");
        if (condition is null || condition.Str("reason") == "NewReplicaSetAvailable") return false;
        if (condition.Str("reason") == "ProgressDeadlineExceeded") return true;
        return DateTimeOffset.TryParse(condition.Str("lastUpdateTime"), out var from) && from.AddSeconds(deadline) < now;
    }

    /// <summary>requeueStuckDeployment: look again when the progress deadline would pass.</summary>
    void RequeueStuck(JsonObject status, long? deadline)
    {
        var current = StatusConditions.Get(Status, "Progressing");
        if (deadline is null || current is null || IsComplete(status) || current.Str("reason") == "ProgressDeadlineExceeded") return;
        if (!DateTimeOffset.TryParse(current.Str("lastUpdateTime"), out var from)) return;
        var after = from.AddSeconds(deadline.Value) - now;
        _requeue = after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1);
    }

    /// <summary>checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed.</summary>
    async Task CheckPausedConditionsAsync(CancellationToken ct)
    {
        if (ProgressDeadline is null) return;
        var condition = StatusConditions.Get(Status, "Progressing");
        if (condition.Str("reason") == "ProgressDeadlineExceeded") return;
        var pausedExists = condition.Str("reason") == "DeploymentPaused";
        var paused = Spec.Bool("paused") == true;
        if (paused && !pausedExists)
            StatusConditions.Set(Status, StatusConditions.New("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, true));
        else if (!paused && pausedExists)
            StatusConditions.Set(Status, StatusConditions.New("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now, true));
        else return;
        await WriteStatusAsync(ct);
    }
}
