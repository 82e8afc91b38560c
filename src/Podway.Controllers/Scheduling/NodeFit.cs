using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Selectors;

namespace Podway.Controllers.Scheduling;

/// <summary>
/// The scheduler's filter plugins on unstructured objects: NodeUnschedulable, NodeAffinity (nodeSelector and required
/// matchExpressions/matchFields), TaintToleration (NoSchedule/NoExecute), NodeResourcesFit (pods, cpu, memory).
/// Each returns null when the node fits, or kube's reason text for the "0/N nodes are available" message.
/// </summary>
internal static class NodeFit
{
    public static string? Check(JsonObject pod, JsonObject node, IReadOnlyCollection<JsonObject> podsOnNode)
    {
        var spec = pod.Obj("spec");
        if (node.Obj("spec").Bool("unschedulable") == true && !Tolerates(spec, new JsonObject { ["key"] = "node.kubernetes.io/unschedulable", ["effect"] = "NoSchedule" }))
            return "node(s) were unschedulable";
        if (!MatchesAffinity(spec, node)) return "node(s) didn't match Pod's node affinity/selector";
        foreach (var taint in Taints(node))
            if (!Tolerates(spec, taint))
                return $"node(s) had untolerated taint {{{taint.Str("key")}: {taint.Str("value") ?? ""}}}";
        return Resources(pod, node, podsOnNode);
    }

    /// <summary>The node's taints, plus node.kubernetes.io/not-ready:NoSchedule when it is not Ready (what the node lifecycle controller adds).</summary>
    static IEnumerable<JsonObject> Taints(JsonObject node)
    {
        foreach (var taint in node.Obj("spec")?.Arr("taints")?.OfType<JsonObject>() ?? [])
            if (taint.Str("effect") is "NoSchedule" or "NoExecute") yield return taint;
        var ready = node.Obj("status")?.Arr("conditions")?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "Ready");
        if (ready.Str("status") != "True" && !(node.Obj("spec")?.Arr("taints")?.OfType<JsonObject>().Any(t => t.Str("key") == "node.kubernetes.io/not-ready") ?? false))
            yield return new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["effect"] = "NoSchedule" };
    }

    /// <summary>v1helper.TolerationsTolerateTaint: key (empty key + Exists tolerates all), operator, value, effect.</summary>
    static bool Tolerates(JsonObject? podSpec, JsonObject taint) =>
        (podSpec?.Arr("tolerations")?.OfType<JsonObject>() ?? []).Any(t =>
        {
            if (t.Str("effect") is { Length: > 0 } effect && effect != taint.Str("effect")) return false;
            var op = t.Str("operator") ?? "Equal";
            if (string.IsNullOrEmpty(t.Str("key"))) return op == "Exists";
            if (t.Str("key") != taint.Str("key")) return false;
            return op == "Exists" || (t.Str("value") ?? "") == (taint.Str("value") ?? "");
        });

    static bool MatchesAffinity(JsonObject? podSpec, JsonObject node)
    {
        var labels = node.Obj("metadata")?.Obj("labels") ?? new JsonObject();
        if (podSpec?.Obj("nodeSelector") is { } selector && !LabelSelector.FromSet(selector).Matches(labels)) return false;
        var required = podSpec?.Obj("affinity")?.Obj("nodeAffinity")?.Obj("requiredDuringSchedulingIgnoredDuringExecution");
        var terms = required?.Arr("nodeSelectorTerms")?.OfType<JsonObject>().ToList();
        if (terms is null) return true;
        // Terms are ORed, expressions within a term ANDed; a term with no requirements matches nothing.
        return terms.Any(term =>
        {
            var expressions = term.Arr("matchExpressions")?.OfType<JsonObject>().ToList() ?? [];
            var fields = term.Arr("matchFields")?.OfType<JsonObject>().ToList() ?? [];
            if (expressions.Count == 0 && fields.Count == 0) return false;
            return expressions.All(e => Matches(e, labels.Str(e.Str("key") ?? "")))
                && fields.All(f => f.Str("key") == "metadata.name" && Matches(f, node.Name()));
        });
    }

    static bool Matches(JsonObject requirement, string? value)
    {
        var values = requirement.Arr("values")?.Select(v => v?.GetValue<string>()).ToList() ?? [];
        return requirement.Str("operator") switch
        {
            "In" => value is not null && values.Contains(value),
            "NotIn" => value is null || !values.Contains(value),
            "Exists" => value is not null,
            "DoesNotExist" => value is null,
            "Gt" => long.TryParse(value, out var v) && long.TryParse(values.FirstOrDefault(), out var gt) && v > gt,
            "Lt" => long.TryParse(value, out var v2) && long.TryParse(values.FirstOrDefault(), out var lt) && v2 < lt,
            _ => false,
        };
    }

    static string? Resources(JsonObject pod, JsonObject node, IReadOnlyCollection<JsonObject> podsOnNode)
    {
        var allocatable = node.Obj("status")?.Obj("allocatable") ?? node.Obj("status")?.Obj("capacity");
        if (allocatable is null) return null;
        if (Quantity(allocatable, "pods") is { } maxPods && podsOnNode.Count + 1 > maxPods) return "Too many pods";
        foreach (var resource in new[] { "cpu", "memory" })
        {
            if (Quantity(allocatable, resource) is not { } capacity) continue;
            var requested = Requested(pod, resource);
            if (requested == 0) continue;
            if (podsOnNode.Sum(p => Requested(p, resource)) + requested > capacity) return $"Insufficient {resource}";
        }
        return null;
    }

    static decimal Requested(JsonObject pod, string resource) =>
        pod.Obj("spec")?.Arr("containers")?.OfType<JsonObject>()
            .Sum(c => Quantity(c.Obj("resources")?.Obj("requests"), resource) ?? 0) ?? 0;

    static decimal? Quantity(JsonObject? list, string resource) =>
        list?[resource] is JsonValue v && ResourceQuantity.TryParse(v.ToString(), out var q) ? q : null;
}
