using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.ApiServer.Registry;

/// <summary>The Pod QoS class (k8s.io/kubernetes pkg/apis/core/helper/qos): Guaranteed, Burstable or BestEffort.</summary>
internal static class PodQos
{
    public static string Classify(JsonObject? spec)
    {
        var containers = (spec?.Arr("containers") ?? []).Concat(spec?.Arr("initContainers") ?? []).OfType<JsonObject>().ToList();
        bool anySet = false, allGuaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var res = c.Obj("resources");
            var requests = res?.Obj("requests");
            var limits = res?.Obj("limits");
            if (requests?.Count > 0 || limits?.Count > 0) anySet = true;
            foreach (var r in (string[])["cpu", "memory"])
            {
                var limit = limits.Str(r);
                var request = requests.Str(r) ?? limit;
                if (limit == null || request != limit) allGuaranteed = false;
            }
        }
        if (!anySet) return "BestEffort";
        return allGuaranteed ? "Guaranteed" : "Burstable";
    }
}
