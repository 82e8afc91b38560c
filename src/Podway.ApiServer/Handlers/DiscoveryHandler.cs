using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Discovery;
using Podway.Api.OpenApi;
using Podway.Api.Resources;
using Podway.ApiServer.Http;

namespace Podway.ApiServer.Handlers;

/// <summary>/api, /apis (aggregated v2/v2beta1 or legacy), /api/v1, /apis/{g}[/{v}], /openapi/v3 and /version.</summary>
public static class DiscoveryHandler
{
    public const string KubernetesVersion = "v1.33.1";

    static readonly JsonObject Version = new()
    {
        ["major"] = "1",
        ["minor"] = "33",
        ["gitVersion"] = KubernetesVersion,
        ["gitCommit"] = "podway",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.24.2",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    /// <summary>True when the path was a discovery path and a response was written.</summary>
    public static async Task<bool> TryHandleAsync(HttpContext ctx, string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["version"]:
                await Responses.WriteJsonAsync(ctx, 200, Version);
                return true;
            case ["api"]:
                await WriteDiscoveryAsync(ctx, v => Discovery.AggregatedCore(v), Discovery.ApiVersions);
                return true;
            case ["apis"]:
                await WriteDiscoveryAsync(ctx, v => Discovery.AggregatedGroups(v), Discovery.ApiGroupList);
                return true;
            case ["api", "v1"]:
                await Responses.WriteJsonAsync(ctx, 200, Discovery.ResourceList("", "v1"));
                return true;
            case ["apis", var group] when GroupVersions(group).Any():
                await Responses.WriteJsonAsync(ctx, 200, ApiGroup(group));
                return true;
            case ["apis", var group, var version] when GroupVersions(group).Contains(version):
                await Responses.WriteJsonAsync(ctx, 200, Discovery.ResourceList(group, version));
                return true;
            case ["openapi", "v3"]:
                await Responses.WriteJsonAsync(ctx, 200, OpenApiV3.Root());
                return true;
            case ["openapi", "v3", "api", "v1"]:
                await Responses.WriteJsonAsync(ctx, 200, OpenApiV3.ForGroupVersion("", "v1"));
                return true;
            case ["openapi", "v3", "apis", var g, var v] when GroupVersions(g).Contains(v):
                await Responses.WriteJsonAsync(ctx, 200, OpenApiV3.ForGroupVersion(g, v));
                return true;
            default:
                return false;
        }
    }

    static async Task WriteDiscoveryAsync(HttpContext ctx, Func<string, JsonObject> aggregated, Func<JsonObject> legacy)
    {
        if (Negotiation.AggregatedDiscoveryVersion(ctx.Request) is { } v)
        {
            ctx.Response.Headers.Vary = "Accept";
            await Responses.WriteJsonAsync(ctx, 200, aggregated(v), $"application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList");
            return;
        }
        await Responses.WriteJsonAsync(ctx, 200, legacy());
    }

    static IEnumerable<string> GroupVersions(string group) =>
        BuiltinResources.GroupVersions.Where(gv => gv.Group == group && group.Length > 0).Select(gv => gv.Version);

    static JsonObject ApiGroup(string group)
    {
        var versions = new JsonArray(GroupVersions(group).Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v }).ToArray());
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = versions,
            ["preferredVersion"] = versions[0]!.DeepClone(),
        };
    }
}
