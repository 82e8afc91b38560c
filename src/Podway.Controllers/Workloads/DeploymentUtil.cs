using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Workloads;

/// <summary>kube's pkg/controller/deployment/util on unstructured Deployments and ReplicaSets.</summary>
internal static class DeploymentUtil
{
    public const string HashLabel = "pod-template-hash";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    static readonly HashSet<string> NotCopied =
    [
        "kubectl.kubernetes.io/last-applied-configuration", RevisionAnnotation, RevisionHistoryAnnotation,
        DesiredReplicasAnnotation, MaxReplicasAnnotation, "deprecated.deployment.rollback.to",
    ];

    public static int Replicas(JsonObject obj) => (int)(obj.Obj("spec").Num("replicas") ?? 1);
    public static int StatusReplicas(JsonObject rs) => (int)(rs.Obj("status").Num("replicas") ?? 0);
    public static int Available(JsonObject rs) => (int)(rs.Obj("status").Num("availableReplicas") ?? 0);
    public static int Ready(JsonObject rs) => (int)(rs.Obj("status").Num("readyReplicas") ?? 0);

    public static bool IsRollingUpdate(JsonObject d) => d.Obj("spec")?.Obj("strategy").Str("type") is null or "RollingUpdate";

    /// <summary>ResolveFenceposts: surge rounds up, unavailable rounds down; both zero makes unavailable 1.</summary>
    public static (int Surge, int Unavailable) Fenceposts(JsonObject d)
    {
        var desired = Replicas(d);
        var rolling = d.Obj("spec")?.Obj("strategy")?.Obj("rollingUpdate");
        var surge = IntOrPercent.Scaled(rolling?["maxSurge"], desired, roundUp: true, fallback: (int)Math.Ceiling(desired * 0.25));
        var unavailable = IntOrPercent.Scaled(rolling?["maxUnavailable"], desired, roundUp: false, fallback: (int)Math.Floor(desired * 0.25));
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    public static int MaxSurge(JsonObject d) => IsRollingUpdate(d) ? Fenceposts(d).Surge : 0;

    public static int MaxUnavailable(JsonObject d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0) return 0;
        return Math.Min(Fenceposts(d).Unavailable, Replicas(d));
    }

    public static long Revision(JsonObject rs) =>
        long.TryParse(rs.Obj("metadata")?.Obj("annotations").Str(RevisionAnnotation), out var r) ? r : 0;

    public static long MaxRevision(IEnumerable<JsonObject> rss) => rss.Select(Revision).DefaultIfEmpty(0).Max();

    static JsonObject? WithoutHash(JsonObject? template)
    {
        if (template is null) return null;
        var copy = (JsonObject)template.DeepClone();
        if (copy.Obj("metadata")?.Obj("labels") is { } labels)
        {
            labels.Remove(HashLabel);
            if (labels.Count == 0) copy.Obj("metadata")!.Remove("labels");
        }
        return copy;
    }

    /// <summary>EqualIgnoreHash: the templates are equal once the pod-template-hash label is dropped from both.</summary>
    public static bool EqualIgnoreHash(JsonObject? a, JsonObject? b) => JsonNode.DeepEquals(WithoutHash(a), WithoutHash(b));

    public static IOrderedEnumerable<JsonObject> ByCreation(IEnumerable<JsonObject> rss) =>
        rss.OrderBy(r => PodState.CreationTime(r) ?? DateTimeOffset.MinValue).ThenBy(r => r.Name(), StringComparer.Ordinal);

    /// <summary>The oldest ReplicaSet whose template equals the Deployment's (kube's FindNewReplicaSet).</summary>
    public static JsonObject? FindNew(JsonObject d, IEnumerable<JsonObject> rss) =>
        ByCreation(rss).FirstOrDefault(rs => EqualIgnoreHash(rs.Obj("spec")?.Obj("template"), d.Obj("spec")?.Obj("template")));

    public static IEnumerable<JsonObject> Active(IEnumerable<JsonObject?> rss) => rss.OfType<JsonObject>().Where(r => Replicas(r) > 0);

    public static int SpecReplicasSum(IEnumerable<JsonObject?> rss) => rss.OfType<JsonObject>().Sum(Replicas);

    static JsonObject Annotations(JsonObject obj) => obj.Metadata().Ensure("annotations");

    /// <summary>SetReplicasAnnotations: desired-replicas and max-replicas; true when either changed.</summary>
    public static bool SetReplicasAnnotations(JsonObject rs, int desired, int max)
    {
        var annotations = Annotations(rs);
        var changed = false;
        foreach (var (key, value) in new[] { (DesiredReplicasAnnotation, desired), (MaxReplicasAnnotation, max) })
        {
            var text = value.ToString(CultureInfo.InvariantCulture);
            if (annotations.Str(key) == text) continue;
            annotations[key] = text;
            changed = true;
        }
        return changed;
    }

    public static bool ReplicasAnnotationsNeedUpdate(JsonObject rs, int desired, int max)
    {
        var annotations = rs.Obj("metadata")?.Obj("annotations");
        return annotations.Str(DesiredReplicasAnnotation) != desired.ToString(CultureInfo.InvariantCulture)
            || annotations.Str(MaxReplicasAnnotation) != max.ToString(CultureInfo.InvariantCulture);
    }

    public static int? DesiredReplicasAnnotationOf(JsonObject rs) =>
        int.TryParse(rs.Obj("metadata")?.Obj("annotations").Str(DesiredReplicasAnnotation), out var v) ? v : null;

    public static int? MaxReplicasAnnotationOf(JsonObject rs) =>
        int.TryParse(rs.Obj("metadata")?.Obj("annotations").Str(MaxReplicasAnnotation), out var v) ? v : null;

    /// <summary>
    /// SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision (remembering the old
    /// one in revision-history when a rollback reuses this ReplicaSet), and on creation sets the replica annotations.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(JsonObject d, JsonObject rs, long newRevision, bool exists)
    {
        var changed = CopyDeploymentAnnotations(d, rs);
        var annotations = Annotations(rs);
        var oldText = annotations.Str(RevisionAnnotation);
        var hadRevision = oldText is not null;
        long.TryParse(oldText, out var oldRevision);
        if (oldRevision < newRevision)
        {
            annotations[RevisionAnnotation] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
            if (hadRevision)
            {
                var history = annotations.Str(RevisionHistoryAnnotation);
                annotations[RevisionHistoryAnnotation] = string.IsNullOrEmpty(history) ? oldText : history + "," + oldText;
            }
        }
        if (!exists && SetReplicasAnnotations(rs, Replicas(d), Replicas(d) + MaxSurge(d))) changed = true;
        return changed;
    }

    static bool CopyDeploymentAnnotations(JsonObject d, JsonObject rs)
    {
        var changed = false;
        var target = Annotations(rs);
        foreach (var (key, value) in d.Obj("metadata")?.Obj("annotations") ?? [])
        {
            if (NotCopied.Contains(key) || JsonNode.DeepEquals(target[key], value)) continue;
            target[key] = value?.DeepClone();
            changed = true;
        }
        return changed;
    }

    /// <summary>NewRSNewReplicas: how big the new ReplicaSet may be now.</summary>
    public static int NewRSNewReplicas(JsonObject d, IEnumerable<JsonObject?> allRSs, JsonObject? newRS)
    {
        if (!IsRollingUpdate(d)) return Replicas(d);
        var newReplicas = newRS is null ? 0 : Replicas(newRS);
        var maxTotal = Replicas(d) + Fenceposts(d).Surge;
        var current = SpecReplicasSum(allRSs);
        if (current >= maxTotal) return newReplicas;
        var scaleUp = Math.Min(maxTotal - current, Replicas(d) - newReplicas);
        return newReplicas + scaleUp;
    }

    /// <summary>IsSaturated: the new ReplicaSet has all desired replicas, annotated and available.</summary>
    public static bool IsSaturated(JsonObject d, JsonObject? rs) =>
        rs is not null && Replicas(rs) == Replicas(d) && DesiredReplicasAnnotationOf(rs) == Replicas(d) && Available(rs) == Replicas(d);

    /// <summary>FindActiveOrLatest: the one ReplicaSet with pods, or the newest when none has any; null when several have.</summary>
    public static JsonObject? FindActiveOrLatest(JsonObject? newRS, IReadOnlyList<JsonObject> oldRSs)
    {
        if (newRS is null && oldRSs.Count == 0) return null;
        var newestFirst = ByCreation(oldRSs).Reverse().ToList();
        var active = Active(newestFirst.Append(newRS)).ToList();
        return active.Count switch
        {
            0 => newRS ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>GetProportion: this ReplicaSet's share of a scaling of the whole Deployment.</summary>
    public static int Proportion(JsonObject rs, JsonObject d, int toAdd, int added)
    {
        if (Replicas(rs) == 0 || toAdd == 0 || toAdd == added) return 0;
        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    static int Fraction(JsonObject rs, JsonObject d)
    {
        if (Replicas(d) == 0) return -Replicas(rs);
        var deploymentReplicas = Replicas(d) + MaxSurge(d);
        var annotated = MaxReplicasAnnotationOf(rs) ?? (int)(d.Obj("status").Num("replicas") ?? 0);
        if (annotated == 0) return 0;
        var size = (double)Replicas(rs) * deploymentReplicas / annotated;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - Replicas(rs);
    }
}
