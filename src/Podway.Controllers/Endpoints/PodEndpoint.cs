using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Controllers.Workloads;

namespace Podway.Controllers.Endpoints;

/// <summary>How a Pod becomes an endpoint (kube's endpointsliceutil and podutil.FindPort).</summary>
internal static class PodEndpoint
{
    /// <summary>ShouldPodBeInEndpoints: not terminal, has an IP, and (unless asked) not terminating.</summary>
    public static bool ShouldBeInEndpoints(JsonObject pod, bool includeTerminating)
    {
        if (PodState.Phase(pod) is "Succeeded" or "Failed") return false;
        if (IPs(pod).Count == 0) return false;
        return includeTerminating || !PodState.IsTerminating(pod);
    }

    /// <summary>status.podIPs, or status.podIP when the list is absent.</summary>
    public static IReadOnlyList<string> IPs(JsonObject pod)
    {
        var status = pod.Obj("status");
        var list = status?.Arr("podIPs")?.OfType<JsonObject>().Select(p => p.Str("ip")).OfType<string>().Where(ip => ip.Length > 0).ToList() ?? [];
        if (list.Count == 0 && status.Str("podIP") is { Length: > 0 } ip) list.Add(ip);
        return list;
    }

    /// <summary>The Pod's addresses of one family ("IPv4" or "IPv6").</summary>
    public static List<string> Addresses(JsonObject pod, string addressType) =>
        IPs(pod).Where(ip => AddressTypeOf(ip) == addressType).ToList();

    public static string? AddressTypeOf(string ip) =>
        IPAddress.TryParse(ip, out var parsed)
            ? parsed.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4"
            : null;

    /// <summary>
    /// podutil.FindPort: a numeric targetPort as is; a named one looked up in the Pod's containers (and restartable
    /// init containers) by name and protocol. Null when the Pod does not serve it.
    /// </summary>
    public static int? FindPort(JsonObject pod, JsonObject servicePort)
    {
        var target = servicePort["targetPort"] ?? servicePort["port"];
        if (target is JsonValue v && v.TryGetValue<string>(out var name))
        {
            if (int.TryParse(name, out var number)) return number;
            var protocol = servicePort.Str("protocol") ?? "TCP";
            var spec = pod.Obj("spec");
            var containers = (spec?.Arr("containers") ?? []).OfType<JsonObject>()
                .Concat((spec?.Arr("initContainers") ?? []).OfType<JsonObject>().Where(c => c.Str("restartPolicy") == "Always"));
            foreach (var container in containers)
                foreach (var port in (container.Arr("ports") ?? []).OfType<JsonObject>())
                    if (port.Str("name") == name && (port.Str("protocol") ?? "TCP") == protocol)
                        return (int?)port.Long("containerPort");
            return null;
        }
        return target is JsonValue n && n.TryGetValue<long>(out var num) ? (int)num : null;
    }

    /// <summary>ShouldSetHostname: the Pod names a hostname and this Service as its subdomain.</summary>
    public static bool ShouldSetHostname(JsonObject pod, JsonObject service) =>
        pod.Obj("spec").Str("hostname") is { Length: > 0 } && pod.Obj("spec").Str("subdomain") == service.Name() && pod.Namespace() == service.Namespace();

    public static JsonObject TargetRef(JsonObject pod) => new()
    {
        ["kind"] = "Pod",
        ["namespace"] = pod.Namespace(),
        ["name"] = pod.Name(),
        ["uid"] = pod.Uid(),
    };
}
