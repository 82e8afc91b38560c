using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Discovery;
using Podway.Api.OpenApi;
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
                await WriteDiscoveryAsync(ctx, Discovery.AggregatedCore, () => Discovery.ApiVersions());
                return true;
            case ["apis"]:
                await WriteDiscoveryAsync(ctx, Discovery.AggregatedGroups, Discovery.ApiGroupList);
                return true;
            case ["api", "v1"]:
                return await WriteIfFoundAsync(ctx, Discovery.ResourceList("", "v1"));
            case ["apis", var group]:
                return await WriteIfFoundAsync(ctx, Discovery.ApiGroup(group));
            case ["apis", var group, var version]:
                return await WriteIfFoundAsync(ctx, Discovery.ResourceList(group, version));
            case ["openapi", "v3"]:
                await Responses.WriteJsonAsync(ctx, 200, OpenApiV3.Root());
                return true;
            case ["openapi", "v3", "api", "v1"]:
                return await WriteIfFoundAsync(ctx, OpenApiV3.ForGroupVersion("", "v1"));
            case ["openapi", "v3", "apis", var g, var v]:
                return await WriteIfFoundAsync(ctx, OpenApiV3.ForGroupVersion(g, v));
            case ["openapi", "v2"]:
                // kubectl 1.27/1.28 apply fetch v2 (protobuf) before looking at v3; an empty document lets them go on.
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = OpenApiV2.ProtobufContentType;
                await ctx.Response.Body.WriteAsync(OpenApiV2.EmptyProtobuf);
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

    static async Task<bool> WriteIfFoundAsync(HttpContext ctx, JsonObject? document)
    {
        if (document == null) return false; // falls through to the 404 for unknown paths
        await Responses.WriteJsonAsync(ctx, 200, document);
        return true;
    }
}
