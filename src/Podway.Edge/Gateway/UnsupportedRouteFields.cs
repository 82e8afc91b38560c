using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// What an HTTPRoute or GRPCRoute may say that podway's edge does not do: a filter type it does not implement
/// (ExtensionRef, CORS, ExternalAuth, an unknown one), backendRef-level filters, a mirror of a fraction of the requests,
/// rule retries or session persistence. The spec's answer is Accepted=False with reason UnsupportedValue (a filter
/// "MUST NOT be skipped"), so such a route is not attached rather than served without the part it asked for.
/// </summary>
internal static class UnsupportedRouteFields
{
    public const string Reason = "UnsupportedValue";

    static readonly HashSet<string> HttpFilters = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "RequestMirror"];
    static readonly HashSet<string> GrpcFilters = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror"];

    /// <summary>The first unsupported field as a message with its path, or null.</summary>
    public static string? Of(JsonObject route, string kind)
    {
        var filters = kind == GrpcRouteCompiler.Kind ? GrpcFilters : HttpFilters;
        var i = 0;
        foreach (var rule in Json.Objects(route["spec"]?["rules"]))
        {
            var at = $"spec.rules[{i++}]";
            foreach (var field in new[] { "retry", "sessionPersistence" })
                if (rule[field] is not null) return $"{at}.{field} is not supported by podway's edge";
            var f = 0;
            foreach (var filter in Json.Objects(rule["filters"]))
            {
                var type = Json.Text(filter["type"]) ?? "";
                if (!filters.Contains(type)) return $"{at}.filters[{f}].type {type} is not supported by podway's edge for {kind}";
                if (filter["requestMirror"] is JsonObject m && (m["percent"] is not null || m["fraction"] is not null))
                    return $"{at}.filters[{f}].requestMirror: mirroring a percent or fraction of the requests is not supported by podway's edge";
                f++;
            }
            var b = 0;
            foreach (var backendRef in Json.Objects(rule["backendRefs"]))
            {
                if (backendRef["filters"] is JsonArray { Count: > 0 })
                    return $"{at}.backendRefs[{b}].filters: filters on a backendRef are not supported by podway's edge";
                b++;
            }
        }
        return null;
    }
}
