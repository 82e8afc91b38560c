using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>
/// The OpenAPI "default:" values of the Gateway API v1 standard-channel CRDs. The apiserver applies CRD
/// defaults to absent fields only, like the built-in defaulters.
/// </summary>
internal static class GatewayDefaults
{
    const string GatewayGroup = "gateway.networking.k8s.io";

    public static void GatewayClass(JsonObject gc) => DefaultStatus(gc, "Accepted");

    public static void Gateway(JsonObject gateway)
    {
        var spec = EnsureObject(gateway, "spec");
        foreach (var address in Objects(spec, "addresses")) Default(address, "type", "IPAddress");
        foreach (var listener in Objects(spec, "listeners"))
        {
            if (Object(listener, "tls") is { } tls) Default(tls, "mode", "Terminate");
            var allowed = EnsureObject(listener, "allowedRoutes");
            var namespaces = EnsureObject(allowed, "namespaces");
            Default(namespaces, "from", "Same");
            foreach (var kind in Objects(allowed, "kinds")) Default(kind, "group", GatewayGroup);
        }
        DefaultStatus(gateway, "Accepted", "Programmed");
    }

    public static void HttpRoute(JsonObject route)
    {
        var spec = EnsureObject(route, "spec");
        ParentRefs(spec);
        if (IsMissing(spec, "rules")) spec["rules"] = new JsonArray(new JsonObject());
        foreach (var rule in Objects(spec, "rules"))
        {
            if (IsMissing(rule, "matches")) rule["matches"] = new JsonArray(new JsonObject());
            foreach (var match in Objects(rule, "matches"))
            {
                var path = EnsureObject(match, "path");
                Default(path, "type", "PathPrefix");
                Default(path, "value", "/");
                foreach (var header in Objects(match, "headers")) Default(header, "type", "Exact");
                foreach (var query in Objects(match, "queryParams")) Default(query, "type", "Exact");
            }
            Filters(rule);
            BackendRefs(rule);
        }
    }

    public static void GrpcRoute(JsonObject route)
    {
        var spec = EnsureObject(route, "spec");
        ParentRefs(spec);
        foreach (var rule in Objects(spec, "rules"))
        {
            foreach (var match in Objects(rule, "matches"))
            {
                if (Object(match, "method") is { } method) Default(method, "type", "Exact");
                foreach (var header in Objects(match, "headers")) Default(header, "type", "Exact");
            }
            Filters(rule);
            BackendRefs(rule);
        }
    }

    /// <summary>TLSRoute, TCPRoute and UDPRoute (v1alpha2): parentRef and backendRef group/kind, backend weight 1.</summary>
    public static void L4Route(JsonObject route)
    {
        var spec = EnsureObject(route, "spec");
        ParentRefs(spec);
        foreach (var rule in Objects(spec, "rules")) BackendRefs(rule);
    }

    static void ParentRefs(JsonObject spec)
    {
        foreach (var parent in Objects(spec, "parentRefs"))
        {
            Default(parent, "group", GatewayGroup);
            Default(parent, "kind", "Gateway");
        }
    }

    static void BackendRefs(JsonObject rule)
    {
        foreach (var backend in Objects(rule, "backendRefs"))
        {
            BackendObjectReference(backend);
            Default(backend, "weight", 1);
            Filters(backend);
        }
    }

    static void Filters(JsonObject owner)
    {
        foreach (var filter in Objects(owner, "filters"))
            if (Object(Object(filter, "requestMirror"), "backendRef") is { } mirror) BackendObjectReference(mirror);
    }

    static void BackendObjectReference(JsonObject reference)
    {
        Default(reference, "group", "");
        Default(reference, "kind", "Service");
    }

    /// <summary>The CRD's status default: every condition Unknown, "Waiting for controller". Also for an empty status:
    /// create resets status to {} (kube's CR strategy removes it, and the default then applies on every read).</summary>
    static void DefaultStatus(JsonObject obj, params string[] conditionTypes)
    {
        if (!IsMissing(obj, "status") && obj["status"] is not JsonObject { Count: 0 }) return;
        var conditions = new JsonArray();
        foreach (var type in conditionTypes)
            conditions.Add((JsonNode)new JsonObject
            {
                ["lastTransitionTime"] = "1970-01-01T00:00:00Z",
                ["message"] = "Waiting for controller",
                ["reason"] = "Pending",
                ["status"] = "Unknown",
                ["type"] = type,
            });
        obj["status"] = new JsonObject { ["conditions"] = conditions };
    }
}
