using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>The QoS class the pod strategy records on create (pkg/apis/core/helper/qos ComputePodQOS).</summary>
internal static class PodQos
{
    static readonly string[] QosResources = ["cpu", "memory"];

    public static string Compute(JsonObject spec)
    {
        var requests = new Dictionary<string, decimal>();
        var limits = new Dictionary<string, decimal>();
        var guaranteed = true;
        foreach (var c in Objects(spec, "containers").Concat(Objects(spec, "initContainers")))
        {
            var resources = Object(c, "resources");
            Sum(Object(resources, "requests"), requests);
            var found = Sum(Object(resources, "limits"), limits);
            if (!QosResources.All(found.Contains)) guaranteed = false;
        }
        if (requests.Count == 0 && limits.Count == 0) return "BestEffort";
        if (guaranteed && requests.All(r => limits.TryGetValue(r.Key, out var l) && l == r.Value) && requests.Count == limits.Count)
            return "Guaranteed";
        return "Burstable";
    }

    /// <summary>Adds the positive cpu/memory quantities into totals; returns the names seen.</summary>
    static HashSet<string> Sum(JsonObject? list, Dictionary<string, decimal> totals)
    {
        var seen = new HashSet<string>();
        if (list is null) return seen;
        foreach (var (name, node) in list)
        {
            if (!QosResources.Contains(name) || node is null) continue;
            if (!Quantity.TryParse(node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString(), out var q) || q <= 0) continue;
            seen.Add(name);
            totals[name] = totals.GetValueOrDefault(name) + q;
        }
        return seen;
    }
}
