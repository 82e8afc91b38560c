using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Trace;

/// <summary>Small readings of Pod objects shared by the layers.</summary>
internal static class Pods
{
    public static bool IsReady(JsonObject pod) =>
        (pod.Obj("status")?.Arr("conditions") ?? []).OfType<JsonObject>().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");

    public static string? Ip(JsonObject pod) => pod.Obj("status").Str("podIP");

    /// <summary>The container port a Service's targetPort names, or the number itself.</summary>
    public static int? ResolvePort(JsonObject pod, JsonNode? targetPort, string protocol)
    {
        if (targetPort is JsonValue v && v.TryGetValue<long>(out var n)) return (int)n;
        if (targetPort is JsonValue s && s.TryGetValue<string>(out var name))
        {
            if (int.TryParse(name, out var parsed)) return parsed;
            foreach (var c in (pod.Obj("spec")?.Arr("containers") ?? []).OfType<JsonObject>())
                foreach (var p in (c.Arr("ports") ?? []).OfType<JsonObject>())
                    if (p.Str("name") == name && (p.Str("protocol") ?? "TCP") == protocol && p.Long("containerPort") is { } port) return (int)port;
        }
        return null;
    }

    public static string LabelText(JsonObject obj) =>
        obj.Labels() is { Count: > 0 } labels ? string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")) : "(no labels)";
}
