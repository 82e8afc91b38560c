using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>A route's backendRef to a Service port: same namespace, or another with a ReferenceGrant from the route's
/// kind; problems as the spec's ResolvedRefs reasons.</summary>
internal static class BackendRefs
{
    /// <param name="protocol">The Service port's protocol: UDP for a UDPRoute, TCP for the others.</param>
    public static BackendPool? Resolve(JsonObject backendRef, string routeKind, string routeNamespace, ReferenceGrants grants,
        BackendResolver backends, out (string Reason, string Message)? problem, string protocol = "TCP")
    {
        var group = Json.Text(backendRef["group"]) ?? "";
        var kind = Json.Text(backendRef["kind"]) ?? "Service";
        var name = Json.Text(backendRef["name"]) ?? "";
        var targetNs = Json.Text(backendRef["namespace"]) ?? routeNamespace;
        problem = null;
        if (group != "" || kind != "Service")
        {
            problem = ("InvalidKind", $"backendRef {group}/{kind} {name} is not a Service");
            return null;
        }
        if (!grants.Permits(routeKind, routeNamespace, "", "Service", targetNs, name))
        {
            problem = ("RefNotPermitted", $"Service {targetNs}/{name} is in another namespace and no ReferenceGrant allows it");
            return null;
        }
        var ingressBackend = new JsonObject
        {
            ["service"] = new JsonObject { ["name"] = name, ["port"] = new JsonObject { ["number"] = Json.Int(backendRef["port"]) } },
        };
        var pool = backends.Resolve(targetNs, ingressBackend, out var why, protocol);
        if (why is null) return pool;
        problem = ("BackendNotFound", why);
        return null;
    }
}
