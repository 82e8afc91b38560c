using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Discovery;

/// <summary>
/// The discovery documents kube-apiserver serves, built from <see cref="BuiltinResources"/>: aggregated
/// (apidiscovery.k8s.io v2/v2beta1, one request each for /api and /apis) and legacy (/api, /apis,
/// /api/v1, /apis/group/version).
/// </summary>
public static class Discovery
{
    /// <summary>/api as an APIGroupDiscoveryList; <paramref name="version"/> is "v2" or "v2beta1".</summary>
    public static JsonObject AggregatedCore(string version) =>
        DiscoveryList(version, [GroupDiscovery("", ["v1"])]);

    /// <summary>/apis as an APIGroupDiscoveryList; <paramref name="version"/> is "v2" or "v2beta1".</summary>
    public static JsonObject AggregatedGroups(string version) =>
        DiscoveryList(version, [.. GroupOrder.Groups().Select(g => GroupDiscovery(g.Group, g.Versions)), MetricsGroup.AggregatedGroup()]);

    /// <summary>Legacy /api: APIVersions. <paramref name="serverAddress"/> ("host:port") fills serverAddressByClientCIDRs.</summary>
    public static JsonObject ApiVersions(string? serverAddress = null) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = serverAddress is null
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary>Legacy /apis: APIGroupList.</summary>
    public static JsonObject ApiGroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(GroupOrder.Groups().Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Group,
            ["versions"] = new JsonArray(g.Versions.Select(v => (JsonNode)GroupVersionForDiscovery(g.Group, v)).ToArray()),
            ["preferredVersion"] = GroupVersionForDiscovery(g.Group, g.Versions[0]),
        }).Append(GroupEntry(MetricsGroup.ApiGroup())).ToArray()),
    };

    /// <summary>An APIGroup as an item of APIGroupList (without kind and apiVersion).</summary>
    static JsonNode GroupEntry(JsonObject apiGroup)
    {
        apiGroup.Remove("kind");
        apiGroup.Remove("apiVersion");
        return apiGroup;
    }

    /// <summary>Legacy /apis/{group} (and the items of /apis): APIGroup; null when the group is not served.</summary>
    public static JsonObject? ApiGroup(string group)
    {
        if (group == MetricsGroup.Group) return MetricsGroup.ApiGroup();
        var g = GroupOrder.Groups().FirstOrDefault(x => x.Group == group);
        if (g.Group is null) return null;
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = g.Group,
            ["versions"] = new JsonArray(g.Versions.Select(v => (JsonNode)GroupVersionForDiscovery(g.Group, v)).ToArray()),
            ["preferredVersion"] = GroupVersionForDiscovery(g.Group, g.Versions[0]),
        };
    }

    /// <summary>Legacy /api/v1 or /apis/{group}/{version}: APIResourceList; null when the group-version is not served.</summary>
    public static JsonObject? ResourceList(string group, string version)
    {
        if (group == MetricsGroup.Group) return version == MetricsGroup.Version ? MetricsGroup.ResourceList() : null;
        var types = GroupOrder.Resources(group, version).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            var entry = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Strings(Subresources.ResourceVerbs(type)),
            };
            if (type.ShortNames.Length > 0) entry["shortNames"] = Strings(type.ShortNames);
            if (type.Categories.Length > 0) entry["categories"] = Strings(type.Categories);
            entry["storageVersionHash"] = StorageVersionHash(type.Group, type.Version, type.Kind);
            resources.Add((JsonNode)entry);

            foreach (var sub in type.Subresources.Order(StringComparer.Ordinal))
            {
                var info = Subresources.Describe(type, sub);
                var subEntry = new JsonObject
                {
                    ["name"] = $"{type.Plural}/{sub}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                };
                if (info.Group != type.Group || info.Version != type.Version)
                {
                    subEntry["group"] = info.Group;
                    subEntry["version"] = info.Version;
                }
                subEntry["kind"] = info.Kind;
                subEntry["verbs"] = Strings(info.Verbs);
                resources.Add((JsonNode)subEntry);
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>k8s.io/apiserver storageversionhash: base64 of the first 8 bytes of sha256("group/version/kind").</summary>
    public static string StorageVersionHash(string group, string version, string kind) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{group}/{version}/{kind}"))[..8]);

    static JsonObject DiscoveryList(string version, IEnumerable<JsonObject> items)
    {
        if (version is not ("v2" or "v2beta1")) throw new ArgumentException($"unsupported apidiscovery version {version}", nameof(version));
        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"apidiscovery.k8s.io/{version}",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(items.Cast<JsonNode>().ToArray()),
        };
    }

    static JsonObject GroupDiscovery(string group, IReadOnlyList<string> versions) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = group },
        ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject
        {
            ["version"] = v,
            ["resources"] = new JsonArray(GroupOrder.Resources(group, v).Select(t => (JsonNode)ResourceDiscovery(t)).ToArray()),
            ["freshness"] = "Current",
        }).ToArray()),
    };

    static JsonObject ResourceDiscovery(ResourceType type)
    {
        var entry = new JsonObject
        {
            ["resource"] = type.Plural,
            ["responseKind"] = Gvk(type.Group, type.Version, type.Kind),
            ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = type.Singular,
            ["verbs"] = Strings(Subresources.ResourceVerbs(type)),
        };
        if (type.ShortNames.Length > 0) entry["shortNames"] = Strings(type.ShortNames);
        if (type.Categories.Length > 0) entry["categories"] = Strings(type.Categories);
        if (type.Subresources.Length > 0)
        {
            entry["subresources"] = new JsonArray(type.Subresources.Order(StringComparer.Ordinal).Select(sub =>
            {
                var info = Subresources.Describe(type, sub);
                return (JsonNode)new JsonObject
                {
                    ["subresource"] = sub,
                    ["responseKind"] = Gvk(info.Group, info.Version, info.Kind),
                    ["verbs"] = Strings(info.Verbs),
                };
            }).ToArray());
        }
        return entry;
    }

    static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    static JsonObject GroupVersionForDiscovery(string group, string version) =>
        new() { ["groupVersion"] = $"{group}/{version}", ["version"] = version };

    static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
