using System.Text.Json.Nodes;

namespace Podway.Api.Discovery;

/// <summary>
/// metrics.k8s.io/v1beta1 in discovery, as metrics-server's APIService adds it to a cluster: NodeMetrics and
/// PodMetrics, get and list only. kubectl top looks for this group before it asks for usage. The objects are not
/// stored; the API server serves them from kubelet scrapes (Podway.ApiServer/Metrics).
/// </summary>
public static class MetricsGroup
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    public const string GroupVersion = Group + "/" + Version;

    static readonly (string Plural, string Kind, bool Namespaced)[] Resources = [("nodes", "NodeMetrics", false), ("pods", "PodMetrics", true)];

    public static JsonObject AggregatedGroup() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = Group },
        ["versions"] = new JsonArray(new JsonObject
        {
            ["version"] = Version,
            ["resources"] = new JsonArray(Resources.Select(r => (JsonNode)new JsonObject
            {
                ["resource"] = r.Plural,
                ["responseKind"] = new JsonObject { ["group"] = Group, ["version"] = Version, ["kind"] = r.Kind },
                ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                ["singularResource"] = "",
                ["verbs"] = new JsonArray("get", "list"),
            }).ToArray()),
            ["freshness"] = "Current",
        }),
    };

    /// <summary>An APIGroup (legacy /apis/metrics.k8s.io and an item of /apis).</summary>
    public static JsonObject ApiGroup() => new()
    {
        ["kind"] = "APIGroup",
        ["apiVersion"] = "v1",
        ["name"] = Group,
        ["versions"] = new JsonArray(VersionEntry()),
        ["preferredVersion"] = VersionEntry(),
    };

    public static JsonObject ResourceList() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = GroupVersion,
        ["resources"] = new JsonArray(Resources.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Plural,
            ["singularName"] = "",
            ["namespaced"] = r.Namespaced,
            ["kind"] = r.Kind,
            ["verbs"] = new JsonArray("get", "list"),
        }).ToArray()),
    };

    static JsonObject VersionEntry() => new() { ["groupVersion"] = GroupVersion, ["version"] = Version };
}
