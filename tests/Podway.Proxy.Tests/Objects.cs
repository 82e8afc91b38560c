using System.Text.Json.Nodes;

namespace Podway.Proxy.Tests;

/// <summary>Builders for the Service and EndpointSlice objects the proxy consumes (as the API server returns them).</summary>
internal static class Objects
{
    public sealed record Port(string Name, int Number, string Protocol = "TCP", int NodePort = 0);
    public sealed record Ep(string Ip, bool Ready = true, bool Serving = true, bool Terminating = false, string Node = "node-a");

    public static JsonObject Service(string ns, string name, string clusterIp, Port[] ports, string type = "ClusterIP",
        Action<JsonObject>? spec = null, string[]? lbIngress = null)
    {
        var s = new JsonObject
        {
            ["type"] = type,
            ["clusterIP"] = clusterIp,
            ["clusterIPs"] = new JsonArray(clusterIp),
            ["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name, ["port"] = p.Number, ["protocol"] = p.Protocol, ["targetPort"] = p.Number,
                ["nodePort"] = p.NodePort == 0 ? null : p.NodePort,
            }).ToArray()),
        };
        spec?.Invoke(s);
        var status = new JsonObject();
        if (lbIngress is not null)
            status["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(lbIngress.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip }).ToArray()) };
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name },
            ["spec"] = s, ["status"] = status,
        };
    }

    public static JsonObject Slice(string ns, string service, string sliceName, (string Name, int Port, string Protocol)[] ports, Ep[] endpoints, DateTimeOffset? trigger = null)
    {
        var meta = new JsonObject
        {
            ["namespace"] = ns, ["name"] = sliceName,
            ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service, ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" },
        };
        if (trigger is { } t) meta["annotations"] = new JsonObject { ["endpoints.kubernetes.io/last-change-trigger-time"] = t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice", ["metadata"] = meta, ["addressType"] = "IPv4",
            ["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = p.Protocol }).ToArray()),
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(e.Ip),
                ["conditions"] = new JsonObject { ["ready"] = e.Ready, ["serving"] = e.Serving, ["terminating"] = e.Terminating },
                ["nodeName"] = e.Node,
            }).ToArray()),
        };
    }
}
