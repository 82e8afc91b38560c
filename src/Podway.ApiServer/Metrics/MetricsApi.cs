using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Discovery;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.ApiServer.Handlers;
using Podway.ApiServer.Http;
using Podway.Storage;

namespace Podway.ApiServer.Metrics;

/// <summary>
/// The metrics.k8s.io/v1beta1 API as metrics-server serves it (pkg/api/node.go, pod.go): NodeMetrics for every Node
/// and PodMetrics for every Pod the store has (label and field selectors applied to the Node or Pod), from the
/// scraper's readings; objects without two readings yet are left out of lists and are NotFound by name.
/// </summary>
internal sealed class MetricsApi(IObjectStore store, MetricsScraper scraper)
{
    const string Prefix = "/apis/" + MetricsGroup.GroupVersion + "/";

    /// <summary>True when the path is under metrics.k8s.io/v1beta1 and an answer was written.</summary>
    public async Task<bool> TryHandleAsync(HttpContext ctx, string path)
    {
        if (!path.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = path[Prefix.Length..].Trim('/').Split('/');
        if (ctx.Request.Method != "GET")
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        JsonObject body = parts switch
        {
            ["nodes"] => List("NodeMetricsList", Filtered(ctx, BuiltinResources.Node, null).Select(NodeMetrics)),
            ["nodes", var name] => NodeMetrics(Get(BuiltinResources.Node, "", name))
                ?? throw ApiException.NotFound(MetricsGroup.Group, "nodemetrics", name),
            ["pods"] => List("PodMetricsList", Filtered(ctx, BuiltinResources.Pod, null).Select(PodMetrics)),
            ["namespaces", var ns, "pods"] => List("PodMetricsList", Filtered(ctx, BuiltinResources.Pod, ns).Select(PodMetrics)),
            ["namespaces", var ns, "pods", var name] => PodMetrics(Get(BuiltinResources.Pod, ns, name))
                ?? throw ApiException.NotFound(MetricsGroup.Group, "podmetrics", $"{ns}/{name}"),
            _ => throw new ApiException(404, "NotFound", "the server could not find the requested resource"),
        };
        await Responses.WriteJsonAsync(ctx, 200, body);
        return true;
    }

    JsonObject Get(ResourceType type, string ns, string name) =>
        store.Get(type.StorageKey, ns, name)?.Parse() ?? throw ApiException.NotFound(type.Group, type.Plural, name);

    IEnumerable<JsonObject> Filtered(HttpContext ctx, ResourceType type, string? ns)
    {
        var filter = ListFilter.FromQuery(ctx.Request, type);
        return store.List(type.StorageKey, ns, filter: filter.Matches).Items.Select(o => o.Parse());
    }

    JsonObject? NodeMetrics(JsonObject node)
    {
        if (scraper.Node(Name(node)) is not { } usage) return null;
        return new JsonObject
        {
            ["kind"] = "NodeMetrics",
            ["apiVersion"] = MetricsGroup.GroupVersion,
            ["metadata"] = Metadata(node),
            ["timestamp"] = Timestamp(usage.Time),
            ["window"] = Window(usage.Window),
            ["usage"] = Usage(usage.Cores, usage.MemoryBytes),
        };
    }

    JsonObject? PodMetrics(JsonObject pod)
    {
        var ns = pod["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        if (scraper.Pod(ns, Name(pod)) is not { } usage) return null;
        return new JsonObject
        {
            ["kind"] = "PodMetrics",
            ["apiVersion"] = MetricsGroup.GroupVersion,
            ["metadata"] = Metadata(pod),
            ["timestamp"] = Timestamp(usage.Time),
            ["window"] = Window(usage.Window),
            ["containers"] = new JsonArray(usage.Containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Container,
                ["usage"] = Usage(c.Cores, c.MemoryBytes),
            }).ToArray()),
        };
    }

    static JsonObject List(string kind, IEnumerable<JsonObject?> items) => new()
    {
        ["kind"] = kind,
        ["apiVersion"] = MetricsGroup.GroupVersion,
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray(items.OfType<JsonObject>().Cast<JsonNode>().ToArray()),
    };

    static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? "";

    /// <summary>metrics-server copies name, namespace and labels and stamps creationTimestamp with the time of the request.</summary>
    static JsonObject Metadata(JsonObject source)
    {
        var meta = new JsonObject { ["name"] = Name(source) };
        if (source["metadata"]?["namespace"] is JsonNode ns) meta["namespace"] = ns.DeepClone();
        meta["creationTimestamp"] = Timestamp(DateTimeOffset.UtcNow);
        if (source["metadata"]?["labels"] is JsonObject labels) meta["labels"] = labels.DeepClone();
        return meta;
    }

    /// <summary>CPU in nanocores, memory in Ki where whole (as resource.Quantity prints metrics-server's values).</summary>
    static JsonObject Usage(double cores, double memoryBytes)
    {
        var bytes = (long)memoryBytes;
        return new JsonObject
        {
            ["cpu"] = $"{(long)Math.Round(cores * 1e9)}n",
            ["memory"] = bytes % 1024 == 0 ? $"{bytes / 1024}Ki" : bytes.ToString(CultureInfo.InvariantCulture),
        };
    }

    static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A Go duration: "15.012s".</summary>
    static string Window(TimeSpan window) => window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
