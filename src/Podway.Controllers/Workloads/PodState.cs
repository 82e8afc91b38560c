using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Workloads;

/// <summary>Pod readings the workload controllers share (kube's controller.IsPodActive and podutil.IsPodReady/IsPodAvailable).</summary>
internal static class PodState
{
    public static string Phase(JsonObject pod) => pod.Obj("status").Str("phase") ?? "";

    public static string NodeName(JsonObject pod) => pod.Obj("spec").Str("nodeName") ?? "";

    public static bool IsTerminating(JsonObject pod) => pod.Obj("metadata").Str("deletionTimestamp") is not null;

    /// <summary>Counts toward replicas: not finished and not being deleted.</summary>
    public static bool IsActive(JsonObject pod) => Phase(pod) is not ("Succeeded" or "Failed") && !IsTerminating(pod);

    public static JsonObject? Condition(JsonObject pod, string type) =>
        pod.Obj("status")?.Arr("conditions")?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);

    public static bool IsReady(JsonObject pod) => Condition(pod, "Ready").Str("status") == "True";

    public static bool IsRunningAndReady(JsonObject pod) => Phase(pod) == "Running" && IsReady(pod);

    /// <summary>When the Ready condition last became True (null when not ready or unknown).</summary>
    public static DateTimeOffset? ReadySince(JsonObject pod) =>
        IsReady(pod) && DateTimeOffset.TryParse(Condition(pod, "Ready").Str("lastTransitionTime"), out var t) ? t : null;

    /// <summary>Ready for at least minReadySeconds (kube: lastTransitionTime + minReadySeconds before now).</summary>
    public static bool IsAvailable(JsonObject pod, long minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod)) return false;
        if (minReadySeconds == 0) return true;
        return ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) < now;
    }

    public static DateTimeOffset? CreationTime(JsonObject obj) =>
        DateTimeOffset.TryParse(obj.Obj("metadata").Str("creationTimestamp"), out var t) ? t : null;

    public static long MaxRestarts(JsonObject pod) =>
        pod.Obj("status")?.Arr("containerStatuses")?.OfType<JsonObject>().Select(c => c.Long("restartCount") ?? 0).DefaultIfEmpty(0).Max() ?? 0;
}
