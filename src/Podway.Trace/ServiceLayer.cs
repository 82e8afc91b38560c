using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Trace;

/// <summary>The Service: its type and ports, the port the request uses and where it maps (targetPort, named ports).</summary>
internal static class ServiceLayer
{
    /// <summary>Picks the Service port for <paramref name="wanted"/> (a number or name; null = the only or first one).</summary>
    public static (LayerResult Result, JsonObject? Port) Check(JsonObject service, string? wanted)
    {
        var spec = service.Obj("spec") ?? new JsonObject();
        var type = spec.Str("type") ?? "ClusterIP";
        var ports = (spec.Arr("ports") ?? []).OfType<JsonObject>().ToList();
        var all = string.Join(", ", ports.Select(Describe));
        var head = $"{service.Namespace()}/{service.Name()} {type} {spec.Str("clusterIP") ?? "-"}";
        if (type == "ExternalName")
            return (LayerResult.Fail("service", $"{head}: ExternalName {spec.Str("externalName")} has no ports or endpoints in the cluster", "trace the external name itself; podway programs no rules for ExternalName Services"), null);
        if (spec.Str("clusterIP") == "None")
            return (LayerResult.Fail("service", $"{head}: headless (clusterIP None), its name resolves to the Pods themselves", "trace pod/NAME:port, or give the Service a ClusterIP"), null);
        var port = wanted is null
            ? ports.FirstOrDefault()
            : ports.FirstOrDefault(p => int.TryParse(wanted, out var n) ? p.Long("port") == n : p.Str("name") == wanted);
        if (port is null)
            return (LayerResult.Fail("service", $"{head} has no port {wanted ?? "at all"} (ports: {(all.Length == 0 ? "none" : all)})",
                ports.Count == 0 ? "add a port to the Service" : $"use one of the Service's ports ({string.Join(", ", ports.Select(p => p.Long("port")))}), or add port {wanted} to it"), null);
        var result = LayerResult.Pass("service", $"{head} port {Describe(port)} (all: {all})") with
        {
            Details = new Dictionary<string, object?>
            {
                ["service"] = $"{service.Namespace()}/{service.Name()}", ["type"] = type, ["clusterIP"] = spec.Str("clusterIP"),
                ["port"] = port.Long("port"), ["portName"] = port.Str("name"), ["targetPort"] = port["targetPort"]?.ToString(), ["protocol"] = port.Str("protocol") ?? "TCP",
            },
        };
        return (result, port);
    }

    /// <summary>`http 80->targetPort 8080/TCP`, with the NodePort when there is one.</summary>
    public static string Describe(JsonObject p)
    {
        var name = p.Str("name") is { Length: > 0 } n ? n + " " : "";
        var target = p["targetPort"]?.ToString() ?? p.Long("port")?.ToString();
        var nodePort = p.Long("nodePort") is { } np ? $" nodePort {np}" : "";
        return $"{name}{p.Long("port")}->{target}/{p.Str("protocol") ?? "TCP"}{nodePort}";
    }
}
