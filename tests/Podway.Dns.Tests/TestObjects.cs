using System.Text.Json.Nodes;

namespace Podway.Dns.Tests;

/// <summary>Service and EndpointSlice objects as the API server stores them.</summary>
internal static class TestObjects
{
    public static JsonObject Service(string ns, string name, string? clusterIP, params (string Name, int Port, string Protocol)[] ports) =>
        new()
        {
            ["apiVersion"] = "v1", ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = clusterIP,
                ["clusterIPs"] = clusterIP is null or "None" ? null : new JsonArray(clusterIP),
                ["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = p.Protocol,
                }).ToArray()),
            },
        };

    public static JsonObject ExternalName(string ns, string name, string target) =>
        new()
        {
            ["apiVersion"] = "v1", ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["type"] = "ExternalName", ["externalName"] = target },
        };

    public static JsonObject Slice(string ns, string name, string service, (string Name, int Port, string Protocol)[] ports,
        params (string Ip, string? Hostname, bool Ready)[] endpoints) =>
        new()
        {
            ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = name, ["namespace"] = ns,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service, ["endpointslice.kubernetes.io/managed-by"] = "test" },
            },
            ["addressType"] = endpoints.Any(e => e.Ip.Contains(':')) ? "IPv6" : "IPv4",
            ["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = p.Protocol }).ToArray()),
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(e.Ip),
                ["hostname"] = e.Hostname,
                ["conditions"] = new JsonObject { ["ready"] = e.Ready },
            }).ToArray()),
        };

    /// <summary>The cluster the query tables are written against.</summary>
    public static IEnumerable<JsonObject> Cluster() =>
    [
        Service("default", "kubernetes", "10.96.0.1", ("https", 443, "TCP")),
        Service("shop", "web", "10.96.0.50", ("http", 80, "TCP"), ("dns", 53, "UDP"), ("", 81, "TCP")),
        Service("shop", "web6", "fd00::10", ("http", 80, "TCP")),
        Service("shop", "db", "None", ("pg", 5432, "TCP")),
        Slice("shop", "db-abcde", "db", [("pg", 15432, "TCP")],
            ("10.244.0.5", "db-0", true), ("10.244.0.6", null, true), ("10.244.0.7", "db-2", false)),
        Service("shop", "empty", "None", ("http", 80, "TCP")),
        Slice("shop", "empty-x", "empty", [("http", 80, "TCP")], ("10.244.0.9", null, false)),
        ExternalName("shop", "ext", "www.example.com"),
    ];

    public static Zone.ClusterZone Zone()
    {
        var zone = new Zone.ClusterZone();
        foreach (var obj in Cluster())
            if ((string?)obj["kind"] == "Service") zone.SetService(obj); else zone.SetSlice(obj);
        return zone;
    }
}
