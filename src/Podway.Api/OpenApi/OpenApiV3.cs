using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.OpenApi;

/// <summary>
/// /openapi/v3 (the index) and /openapi/v3/{api/v1 | apis/group/version}, built from <see cref="BuiltinResources"/>.
/// Documents are immutable, so each is built once and its hash (uppercase hex SHA-512 of its JSON, as
/// kube-apiserver computes it) stays stable for the process and across restarts.
/// </summary>
public static class OpenApiV3
{
    /// <summary>The kube-apiserver version reported in info.version.</summary>
    public const string ServerVersion = "v1.33.0";

    static readonly ConcurrentDictionary<(string, string), (JsonObject Doc, string Json, string Hash)> Cache = new();

    /// <summary>/openapi/v3: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}, ...}}.</summary>
    public static JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var (group, version) in BuiltinResources.GroupVersions)
        {
            var key = PathKey(group, version);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(group, version)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for one group-version ("" for core), or null when it is not served.</summary>
    public static JsonObject? ForGroupVersion(string group, string version) =>
        Entry(group, version) is { } e ? (JsonObject)e.Doc.DeepClone() : null;

    /// <summary>The serialized document (what to write on the wire), or null when not served.</summary>
    public static string? JsonForGroupVersion(string group, string version) => Entry(group, version)?.Json;

    /// <summary>The hash in the document's serverRelativeURL (also a good ETag); null when not served.</summary>
    public static string? Hash(string group, string version) => Entry(group, version)?.Hash;

    /// <summary>"api/v1" or "apis/apps/v1": the key of the index and the path after /openapi/v3/.</summary>
    public static string PathKey(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    static (JsonObject Doc, string Json, string Hash)? Entry(string group, string version)
    {
        var types = BuiltinResources.AllTypes.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0) return null;
        return Cache.GetOrAdd((group, version), _ =>
        {
            var doc = Build(types);
            var json = doc.ToJsonString();
            return (doc, json, Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(json))));
        });
    }

    static JsonObject Build(IReadOnlyList<ResourceType> types) => new()
    {
        ["openapi"] = "3.0.0",
        ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = ServerVersion },
        ["paths"] = PathBuilder.Build(types),
        ["components"] = new JsonObject
        {
            ["schemas"] = SchemaBuilder.Build(types),
            ["securitySchemes"] = new JsonObject
            {
                ["BearerToken"] = new JsonObject { ["type"] = "apiKey", ["description"] = "Bearer Token authentication", ["name"] = "authorization", ["in"] = "header" },
            },
        },
        ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
    };
}
