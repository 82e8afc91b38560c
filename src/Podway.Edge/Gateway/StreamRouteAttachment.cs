using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// Attaches TLSRoutes, TCPRoutes and UDPRoutes (v1alpha2, experimental channel) to the L4 listeners of podway's
/// Gateways, as <see cref="GatewayBuilder"/> does HTTPRoutes: per parentRef (sectionName and port narrow the
/// listeners), listeners that allow the route's namespace and kind, and for TLSRoute whose hostname intersects the
/// route's hostnames. Returns each route's status.parents entries for podway's Gateways.
/// </summary>
internal static class StreamRouteAttachment
{
    public static Dictionary<(string Kind, string Key), JsonArray> AttachAll(GatewayInputs inputs, Dictionary<string, CompiledGateway> gateways,
        Dictionary<string, JsonObject?> namespaces, ReferenceGrants grants, BackendResolver backends)
    {
        var result = new Dictionary<(string, string), JsonArray>();
        foreach (var (kind, routes) in new[] { ("TLSRoute", inputs.TlsRoutes), ("TCPRoute", inputs.TcpRoutes), ("UDPRoute", inputs.UdpRoutes) })
            foreach (var (route, age) in routes.Select(r => (r, new IngressAge(Json.Created(r), Json.Namespace(r), Json.Name(r)))).OrderBy(r => r.Item2))
            {
                var parents = Attach(kind, route, age, gateways, namespaces, grants, backends);
                if (parents.Count > 0) result[(kind, $"{age.Namespace}/{age.Name}")] = parents;
            }
        return result;
    }

    static JsonArray Attach(string kind, JsonObject route, IngressAge age, Dictionary<string, CompiledGateway> gateways,
        Dictionary<string, JsonObject?> namespaces, ReferenceGrants grants, BackendResolver backends)
    {
        var ns = age.Namespace;
        var generation = route["metadata"]?["generation"] is JsonValue v && v.TryGetValue<long>(out var g) ? g : 1;
        var spec = route["spec"];
        var hostnames = kind == "TLSRoute" ? Json.Strings(spec?["hostnames"]).Select(h => h.ToLowerInvariant()).ToList() : [];
        var (weighted, refProblem) = Backends(kind, route, ns, grants, backends);
        var parents = new JsonArray();
        foreach (var parentRef in Json.Objects(spec?["parentRefs"]))
        {
            if (GatewayBuilder.ParentListeners(parentRef, ns, gateways) is not var (gwKey, gw, candidates, noMatch)) continue;
            (bool Ok, string Reason, string Message) accepted;
            if (noMatch is not null)
                accepted = (false, "NoMatchingParent", noMatch);
            else
            {
                var allowed = candidates.Where(l => l.Usable && l.Kinds.Contains(kind) && GatewayBuilder.NamespaceAllowed(l, gw.Namespace, ns, namespaces)).ToList();
                var attached = 0;
                foreach (var l in allowed)
                {
                    // TCP and UDP listeners have no hostname (the CRD forbids it) and these routes none: [null].
                    var names = Hostnames.Intersect(l.Hostname, hostnames);
                    if (names.Count == 0) continue;
                    attached++;
                    l.AttachedRoutes++;
                    foreach (var name in names)
                        l.StreamRoutes.Add(new StreamRoute
                        {
                            Kind = kind, Route = new RouteRef(ns, age.Name), Hostname = name, Age = age,
                            Backends = weighted,
                        });
                }
                accepted = attached > 0 ? (true, "Accepted", "Route is accepted")
                    : allowed.Count == 0 ? (false, "NotAllowedByListeners", $"No listener of the parent allows this {kind} (namespace, kind or state)")
                    : (false, "NoMatchingListenerHostname", "No listener hostname matches the route's hostnames");
            }
            parents.Add(GatewayApi.RouteParent(parentRef, accepted, refProblem, generation));
        }
        return parents;
    }

    /// <summary>Every rule's backendRefs (L4 rules have no matches, so they pool), each resolved to its Service port
    /// (UDP ports for UDPRoute) or null when invalid, and the first problem for ResolvedRefs.</summary>
    static (List<WeightedBackend>, (string Reason, string Message)?) Backends(string kind, JsonObject route, string ns, ReferenceGrants grants, BackendResolver backends)
    {
        (string Reason, string Message)? problem = null;
        var result = new List<WeightedBackend>();
        foreach (var backendRef in Json.Objects(route["spec"]?["rules"]).SelectMany(r => Json.Objects(r["backendRefs"])))
        {
            var pool = BackendRefs.Resolve(backendRef, kind, ns, grants, backends, out var why, kind == "UDPRoute" ? "UDP" : "TCP");
            problem ??= why;
            result.Add(new WeightedBackend(pool, Json.Int(backendRef["weight"]) ?? 1));
        }
        return (result, problem);
    }
}
