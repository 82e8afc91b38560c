using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's ActivePodsWithRanks ordering (LogarithmicScaleDown on, as in 1.33): the first pods are the least valuable and
/// are deleted first. unassigned &lt; assigned; Pending &lt; Unknown &lt; Running; not ready &lt; ready; lower
/// controller.kubernetes.io/pod-deletion-cost first; more pods of the same owner family on the node first; ready for
/// less time (in log2 buckets) first; more restarts first; newer first.
/// </summary>
internal sealed class PodDeletionOrder(IReadOnlyDictionary<string, int> relatedPodsPerNode, DateTimeOffset now) : IComparer<JsonObject>
{
    public static IReadOnlyList<JsonObject> Victims(IReadOnlyList<JsonObject> active, IEnumerable<JsonObject> relatedPods, int count, DateTimeOffset now)
    {
        if (count >= active.Count) return active;
        var perNode = relatedPods.Where(PodState.IsActive).GroupBy(PodState.NodeName).ToDictionary(g => g.Key, g => g.Count());
        return [.. active.Order(new PodDeletionOrder(perNode, now)).Take(count)];
    }

    static int PhaseOrdinal(JsonObject pod) => PodState.Phase(pod) switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => 3 };

    static int DeletionCost(JsonObject pod) =>
        int.TryParse(pod.Obj("metadata")?.Obj("annotations").Str("controller.kubernetes.io/pod-deletion-cost"), out var c) ? c : 0;

    public int Compare(JsonObject? a, JsonObject? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        return Less(a!, b!) ? -1 : Less(b!, a!) ? 1 : 0;
    }

    bool Less(JsonObject i, JsonObject j)
    {
        string ni = PodState.NodeName(i), nj = PodState.NodeName(j);
        if (ni != nj && (ni.Length == 0 || nj.Length == 0)) return ni.Length == 0;
        if (PhaseOrdinal(i) != PhaseOrdinal(j)) return PhaseOrdinal(i) < PhaseOrdinal(j);
        bool ri = PodState.IsReady(i), rj = PodState.IsReady(j);
        if (ri != rj) return !ri;
        if (DeletionCost(i) != DeletionCost(j)) return DeletionCost(i) < DeletionCost(j);
        int ranki = relatedPodsPerNode.GetValueOrDefault(ni), rankj = relatedPodsPerNode.GetValueOrDefault(nj);
        if (ranki != rankj) return ranki > rankj;
        if (ri && rj)
        {
            var ti = PodState.ReadySince(i);
            var tj = PodState.ReadySince(j);
            if (ti != tj)
            {
                if (ti is null || tj is null) return AfterOrZero(ti, tj);
                var diff = LogRank(tj.Value) - LogRank(ti.Value);
                if (diff == 0) return string.CompareOrdinal(i.Uid(), j.Uid()) < 0;
                return diff < 0;
            }
        }
        if (PodState.MaxRestarts(i) != PodState.MaxRestarts(j)) return PodState.MaxRestarts(i) > PodState.MaxRestarts(j);
        var ci = PodState.CreationTime(i);
        var cj = PodState.CreationTime(j);
        if (ci != cj)
        {
            if (ci is null || cj is null) return AfterOrZero(ci, cj);
            var diff = LogRank(cj.Value) - LogRank(ci.Value);
            if (diff == 0) return string.CompareOrdinal(i.Uid(), j.Uid()) < 0;
            return diff < 0;
        }
        return false;
    }

    /// <summary>kube's logarithmicRankDiff bucket: floor(log2(age in ns)), -1 for no age.</summary>
    int LogRank(DateTimeOffset t)
    {
        var ns = (now - t).Ticks * 100.0;
        return ns > 0 ? (int)Math.Log2(ns) : -1;
    }

    /// <summary>Zero times first, then the later time first.</summary>
    static bool AfterOrZero(DateTimeOffset? t1, DateTimeOffset? t2)
    {
        if (t1 is null || t2 is null) return t1 is null;
        return t1 > t2;
    }
}
