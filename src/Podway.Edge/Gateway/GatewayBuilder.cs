using System.Text.Json.Nodes;
using Podway.Api.Selectors;
using Podway.Edge.Addon;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// Compiles GatewayClasses, Gateways and HTTPRoutes of podway's controller into a <see cref="GatewayRoutes"/>: the
/// routing tables per edge target port and the status each object should show. A pure function of its inputs, like
/// <see cref="EdgeConfigBuilder"/> (which calls it), so the edge Pods route and the control plane writes status from
/// the same computation. See the README's "Gateway API".
/// </summary>
internal static class GatewayBuilder
{
    static readonly string[] HttpKinds = ["HTTPRoute", GrpcRouteCompiler.Kind];

    public static GatewayRoutes Build(GatewayInputs inputs, IReadOnlyList<JsonObject> services, IReadOnlyList<JsonObject> slices,
        IReadOnlyList<JsonObject> secrets, BackendResolver backends)
    {
        var classes = inputs.GatewayClasses.Where(c => Json.Text(c["spec"]?["controllerName"]) == GatewayApi.ControllerName).ToList();
        var classStatus = classes.ToDictionary(Json.Name, c => new JsonObject
        {
            ["conditions"] = new JsonArray(GatewayApi.Condition("Accepted", true, "Accepted", "Handled by podway's edge", Generation(c))),
            ["supportedFeatures"] = new JsonArray([.. GatewayApi.SupportedFeatures.Select(f => (JsonNode)new JsonObject { ["name"] = f })]),
        });
        var grants = new ReferenceGrants(inputs.ReferenceGrants);
        var namespaces = inputs.Namespaces.ToDictionary(Json.Name, n => n["metadata"]?["labels"] as JsonObject);
        var gatewayServices = services.Where(s => Json.Namespace(s) == EdgeAddon.Namespace && Json.Annotation(s, GatewayApi.GatewayAnnotation) is not null)
            .ToDictionary(s => Json.Annotation(s, GatewayApi.GatewayAnnotation)!);
        var secretsByKey = secrets.ToDictionary(s => $"{Json.Namespace(s)}/{Json.Name(s)}");
        // Gateway Services with a ready edge Pod behind them: only then does traffic to the address reach a listener.
        var served = slices.Where(s => Json.Namespace(s) == EdgeAddon.Namespace
                                       && Json.Objects(s["endpoints"]).Any(e => Json.Bool(e["conditions"]?["ready"]) ?? true))
            .Select(s => Json.Label(s, "kubernetes.io/service-name")).OfType<string>().ToHashSet();

        var gateways = new Dictionary<string, CompiledGateway>();
        foreach (var gw in inputs.Gateways.Where(g => classStatus.ContainsKey(Json.Text(g["spec"]?["gatewayClassName"]) ?? "")))
        {
            var key = $"{Json.Namespace(gw)}/{Json.Name(gw)}";
            var service = gatewayServices.GetValueOrDefault(key);
            gateways[key] = CompileGateway(gw, service, service is not null && served.Contains(Json.Name(service)), secretsByKey, grants);
        }

        var routeParents = new Dictionary<string, JsonArray>();
        var grpcRouteParents = new Dictionary<string, JsonArray>();
        // HTTPRoutes and GRPCRoutes attach in one pass, oldest first: of two that claim one hostname on a listener the
        // older is accepted (the spec), and it is there first.
        var routes = inputs.HttpRoutes.Select(r => (Route: r, Kind: "HTTPRoute"))
            .Concat(inputs.GrpcRoutes.Select(r => (Route: r, Kind: GrpcRouteCompiler.Kind)))
            .Select(r => (r.Route, r.Kind, Age: new IngressAge(Json.Created(r.Route), Json.Namespace(r.Route), Json.Name(r.Route))))
            .OrderBy(r => r.Age);
        foreach (var (route, kind, age) in routes)
        {
            var parents = AttachRoute(route, kind, age, gateways, namespaces, grants, backends);
            if (parents.Count > 0) (kind == GrpcRouteCompiler.Kind ? grpcRouteParents : routeParents)[$"{age.Namespace}/{age.Name}"] = parents;
        }
        var streamParents = StreamRouteAttachment.AttachAll(inputs, gateways, namespaces, grants, backends);

        var ports = new Dictionary<int, GatewayPort>();
        var streamPorts = new Dictionary<int, StreamPort>();
        var states = new Dictionary<string, GatewayState>();
        foreach (var (key, gw) in gateways)
        {
            states[key] = gw.State();
            foreach (var (listenerPort, listeners) in gw.Listeners.Where(l => l.Serving).GroupBy(l => l.Port).Select(g => (g.Key, g.ToList())))
                if (!gw.TargetPorts.TryGetValue(listenerPort, out var target)) continue;
                else if (StreamListeners.IsStream(listeners[0].Protocol)) streamPorts[target] = StreamListeners.Compile(listeners, listenerPort);
                else ports[target] = new GatewayPort(listeners[0].Protocol == "HTTPS", [.. listeners.Select(l => l.Compile())], listenerPort);
        }
        return new GatewayRoutes(ports)
        {
            ClassStatus = classStatus, Gateways = states, RouteParents = routeParents, GrpcRouteParents = grpcRouteParents,
            StreamPorts = streamPorts, StreamRouteParents = streamParents,
        };
    }

    static long Generation(JsonObject o) => o["metadata"]?["generation"] is JsonValue v && v.TryGetValue<long>(out var g) ? g : 1;

    static CompiledGateway CompileGateway(JsonObject gw, JsonObject? service, bool edgeReady, Dictionary<string, JsonObject> secrets, ReferenceGrants grants)
    {
        var ns = Json.Namespace(gw);
        var generation = Generation(gw);
        var spec = gw["spec"];
        var listeners = Json.Objects(spec?["listeners"]).Select(l => new ListenerState
        {
            Name = Json.Text(l["name"]) ?? "",
            Port = Json.Int(l["port"]) ?? 0,
            Protocol = Json.Text(l["protocol"]) ?? "",
            Hostname = Json.Text(l["hostname"]) is { Length: > 0 } h ? h.ToLowerInvariant() : null,
            Spec = l,
        }).ToList();

        foreach (var l in listeners)
        {
            // Kinds: HTTPRoute and GRPCRoute are the route kinds an HTTP/HTTPS listener takes here.
            var kinds = Json.Objects(l.Spec["allowedRoutes"]?["kinds"]).ToList();
            var supported = StreamListeners.Kinds(l) ?? HttpKinds;
            l.Kinds = kinds.Count == 0 ? [.. supported]
                : [.. kinds.Where(k => (Json.Text(k["group"]) ?? GatewayApi.Group) == GatewayApi.Group && supported.Contains(Json.Text(k["kind"]))).Select(k => Json.Text(k["kind"])!)];
            if (kinds.Count > 0 && l.Kinds.Count < kinds.Count)
                l.RefProblem = ("InvalidRouteKinds", "Some of allowedRoutes.kinds are not supported on this listener");
            if (l.Protocol is not ("HTTP" or "HTTPS") && !StreamListeners.IsStream(l.Protocol))
                l.Unsupported = $"Protocol {l.Protocol} is not supported by podway's edge (HTTP, HTTPS, TLS, TCP and UDP are)";
            if (l.Protocol == "HTTPS" || StreamListeners.Terminates(l)) ResolveCertificate(l, ns, secrets, grants);
        }
        // Conflicts on one port: another protocol (ProtocolConflict), or the same hostname (HostnameConflict).
        foreach (var l in listeners)
            foreach (var other in listeners)
            {
                if (ReferenceEquals(l, other) || l.Port != other.Port) continue;
                if (l.Protocol != other.Protocol) l.Conflict = "ProtocolConflict";
                else if (l.Hostname == other.Hostname) l.Conflict ??= "HostnameConflict";
            }

        var requested = Json.Objects(spec?["addresses"]).ToList();
        var badAddress = requested.FirstOrDefault(a => (Json.Text(a["type"]) ?? "IPAddress") != "IPAddress");
        var requestedIp = requested.Select(a => Json.Text(a["value"])).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var address = Json.Text(service?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);
        var targetPorts = new Dictionary<int, int>();
        foreach (var p in Json.Objects(service?["spec"]?["ports"]))
            if (Json.Int(p["port"]) is { } port && Json.Int(p["targetPort"]) is { } target) targetPorts[port] = target;

        return new CompiledGateway
        {
            Namespace = ns, Name = Json.Name(gw), Generation = generation, Listeners = listeners, TargetPorts = targetPorts,
            Address = address, EdgeReady = edgeReady, RequestedAddress = requestedIp, BadAddressType = badAddress is null ? null : Json.Text(badAddress["type"]),
        };
    }

    static void ResolveCertificate(ListenerState l, string ns, Dictionary<string, JsonObject> secrets, ReferenceGrants grants)
    {
        var tls = l.Spec["tls"];
        if ((Json.Text(tls?["mode"]) ?? "Terminate") != "Terminate")
        {
            l.Unsupported = "TLS mode Passthrough needs a TLS listener; HTTPS terminates";
            return;
        }
        foreach (var reference in Json.Objects(tls?["certificateRefs"]))
        {
            var group = Json.Text(reference["group"]) ?? "";
            var kind = Json.Text(reference["kind"]) ?? "Secret";
            var name = Json.Text(reference["name"]) ?? "";
            var refNs = Json.Text(reference["namespace"]) ?? ns;
            if (group != "" || kind != "Secret")
            {
                l.RefProblem = ("InvalidCertificateRef", $"certificateRef {group}/{kind} {name} is not a core Secret");
                return;
            }
            if (!grants.Permits("Gateway", ns, "", "Secret", refNs, name))
            {
                l.RefProblem = ("RefNotPermitted", $"Secret {refNs}/{name} is in another namespace and no ReferenceGrant allows it");
                return;
            }
            if (!secrets.TryGetValue($"{refNs}/{name}", out var secret))
            {
                l.RefProblem = ("InvalidCertificateRef", $"Secret {refNs}/{name} not found");
                return;
            }
            var loaded = TlsSecrets.LoadOnce(secret);
            if (loaded.Served is null)
            {
                l.RefProblem = ("InvalidCertificateRef", loaded.Error ?? $"Secret {refNs}/{name} is not a usable certificate");
                return;
            }
            l.Certificate ??= loaded.Served;
        }
        if (l.Certificate is null) l.RefProblem = ("InvalidCertificateRef", "an HTTPS listener needs a certificateRef");
    }

    /// <summary>
    /// The listeners of a podway Gateway one parentRef of a route selects (by sectionName and port), with the
    /// NoMatchingParent message when none; null when the parentRef names no Gateway of podway's (another controller's
    /// to answer).
    /// </summary>
    internal static (string GatewayKey, CompiledGateway Gateway, List<ListenerState> Candidates, string? NoMatch)? ParentListeners(
        JsonObject parentRef, string routeNamespace, Dictionary<string, CompiledGateway> gateways)
    {
        if ((Json.Text(parentRef["group"]) ?? GatewayApi.Group) != GatewayApi.Group || (Json.Text(parentRef["kind"]) ?? "Gateway") != "Gateway") return null;
        var gwKey = $"{Json.Text(parentRef["namespace"]) ?? routeNamespace}/{Json.Text(parentRef["name"])}";
        if (!gateways.TryGetValue(gwKey, out var gw)) return null;
        var section = Json.Text(parentRef["sectionName"]);
        var port = Json.Int(parentRef["port"]);
        var candidates = gw.Listeners.Where(l => (section is null || l.Name == section) && (port is null || l.Port == port)).ToList();
        return (gwKey, gw, candidates, candidates.Count > 0 ? null
            : $"Gateway {gwKey} has no listener{(section is null ? "" : $" named {section}")}{(port is null ? "" : $" on port {port}")}");
    }

    /// <summary>Attaches one HTTPRoute or GRPCRoute to the listeners its parentRefs select, and returns its
    /// status.parents entries for podway's Gateways (parentRefs to other Gateways are left to their controllers).</summary>
    static JsonArray AttachRoute(JsonObject route, string kind, IngressAge age, Dictionary<string, CompiledGateway> gateways,
        Dictionary<string, JsonObject?> namespaces, ReferenceGrants grants, BackendResolver backends)
    {
        var ns = age.Namespace;
        var generation = Generation(route);
        var spec = route["spec"];
        var hostnames = Json.Strings(spec?["hostnames"]).Select(h => h.ToLowerInvariant()).ToList();
        var grpc = kind == GrpcRouteCompiler.Kind;
        var (rules, refProblem) = grpc ? ([], null) : CompileRules(route, age, grants, backends);
        var (grpcRules, grpcProblem) = grpc ? GrpcRouteCompiler.Compile(route, age, grants, backends) : ([], null);
        refProblem ??= grpcProblem;
        var routeKey = $"{kind}/{ns}/{age.Name}";
        var unsupported = UnsupportedRouteFields.Of(route, kind);
        var parents = new JsonArray();
        foreach (var parentRef in Json.Objects(spec?["parentRefs"]))
        {
            if (ParentListeners(parentRef, ns, gateways) is not var (gwKey, gw, candidates, noMatch)) continue;
            (bool Ok, string Reason, string Message) accepted;
            if (noMatch is not null)
                accepted = (false, "NoMatchingParent", noMatch);
            else if (unsupported is not null)
                accepted = (false, UnsupportedRouteFields.Reason, unsupported);
            else
            {
                var allowed = candidates.Where(l => l.Usable && l.Kinds.Contains(kind) && NamespaceAllowed(l, gw.Namespace, ns, namespaces)).ToList();
                var attached = 0;
                string? conflict = null;
                foreach (var l in allowed)
                {
                    var names = Hostnames.Intersect(l.Hostname, hostnames);
                    if (names.Count == 0) continue;
                    if (l.ConflictFor(kind, names) is { } older)
                    {
                        conflict ??= $"{older} is older and serves an intersecting hostname on listener {l.Name}; an HTTPRoute and a GRPCRoute cannot share one";
                        continue;
                    }
                    attached++;
                    l.AttachedRoutes++;
                    l.Claim(kind, routeKey, names);
                    foreach (var name in names)
                        if (grpc) l.GrpcRulesFor(name).AddRange(grpcRules);
                        else l.RulesFor(name).AddRange(rules);
                }
                accepted = attached > 0 ? (true, "Accepted", "Route is accepted")
                    : allowed.Count == 0 ? (false, "NotAllowedByListeners", "No listener of the parent allows this route (namespace, kind or state)")
                    : conflict is not null ? (false, "NotAllowedByListeners", conflict)
                    : (false, "NoMatchingListenerHostname", "No listener hostname matches the route's hostnames");
            }
            parents.Add(GatewayApi.RouteParent(parentRef, accepted, refProblem, generation));
        }
        return parents;
    }

    internal static bool NamespaceAllowed(ListenerState l, string gatewayNs, string routeNs, Dictionary<string, JsonObject?> namespaces)
    {
        var from = l.Spec["allowedRoutes"]?["namespaces"];
        return (Json.Text(from?["from"]) ?? "Same") switch
        {
            "All" => true,
            "Selector" => namespaces.TryGetValue(routeNs, out var labels)
                          && LabelSelector.FromJson(from?["selector"] as JsonObject).Matches(labels),
            _ => routeNs == gatewayNs,
        };
    }

    /// <summary>The route's rules compiled (one per match), and the first backendRef problem for ResolvedRefs.</summary>
    static (List<HttpRouteRule>, (string Reason, string Message)?) CompileRules(JsonObject route, IngressAge age, ReferenceGrants grants, BackendResolver backends)
    {
        (string Reason, string Message)? problem = null;
        var result = new List<HttpRouteRule>();
        var reference = new RouteRef(age.Namespace, age.Name);
        var ruleIndex = 0;
        foreach (var rule in Json.Objects(route["spec"]?["rules"]))
        {
            BackendPool? Backend(JsonObject backendRef)
            {
                var pool = BackendRefs.Resolve(backendRef, "HTTPRoute", age.Namespace, grants, backends, out var why);
                problem ??= why;
                return pool;
            }

            var filters = Json.Objects(rule["filters"]).ToList();
            var weighted = Json.Objects(rule["backendRefs"])
                .Select(b => new WeightedBackend(Backend(b), Json.Int(b["weight"]) ?? 1)).ToList();
            var action = new RouteAction
            {
                Route = reference,
                RequestHeaders = Headers(filters, "RequestHeaderModifier", "requestHeaderModifier"),
                ResponseHeaders = Headers(filters, "ResponseHeaderModifier", "responseHeaderModifier"),
                Redirect = Redirect(filters),
                Rewrite = Rewrite(filters),
                Mirrors = [.. filters.Where(f => Json.Text(f["type"]) == "RequestMirror" && f["requestMirror"]?["backendRef"] is JsonObject)
                    .Select(f => Backend((JsonObject)f["requestMirror"]!["backendRef"]!)).OfType<BackendPool>()],
                Backends = weighted,
                RequestTimeout = Duration(rule["timeouts"]?["request"]),
                BackendTimeout = Duration(rule["timeouts"]?["backendRequest"]),
            };
            var matchIndex = 0;
            foreach (var match in Json.Objects(rule["matches"]).DefaultIfEmpty(new JsonObject()))
                result.Add(new HttpRouteRule
                {
                    Path = Path(match["path"]),
                    Method = Json.Text(match["method"]),
                    Headers = [.. Json.Objects(match["headers"]).Select(h => Value(h, ignoreCase: true))],
                    QueryParams = [.. Json.Objects(match["queryParams"]).Select(q => Value(q, ignoreCase: false))],
                    Action = action, Age = age, RuleIndex = ruleIndex, MatchIndex = matchIndex++,
                });
            ruleIndex++;
        }
        return (result, problem);
    }

    static PathMatch Path(JsonNode? path)
    {
        var type = Json.Text(path?["type"]) ?? PathMatch.Prefix;
        var value = Json.Text(path?["value"]) ?? "/";
        return type switch
        {
            PathMatch.Exact => new PathMatch { Type = type, Value = value },
            PathMatch.RegularExpression => new PathMatch { Type = type, Value = value, Regex = FullMatch(value) },
            _ => new PathMatch { Type = PathMatch.Prefix, Value = PathRoute.Normalize(value, exact: false) },
        };
    }

    internal static ValueMatch Value(JsonObject match, bool ignoreCase)
    {
        var name = Json.Text(match["name"]) ?? "";
        var value = Json.Text(match["value"]) ?? "";
        return new ValueMatch(ignoreCase ? name.ToLowerInvariant() : name, value,
            Json.Text(match["type"]) == "RegularExpression" ? FullMatch(value) : null);
    }

    internal static System.Text.RegularExpressions.Regex FullMatch(string pattern) =>
        new($"^(?:{pattern})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    internal static HeaderChanges? Headers(List<JsonObject> filters, string type, string field)
    {
        var f = filters.FirstOrDefault(f => Json.Text(f["type"]) == type)?[field];
        if (f is null) return null;
        static List<KeyValuePair<string, string>> Pairs(JsonNode? n) =>
            [.. Json.Objects(n).Select(h => KeyValuePair.Create(Json.Text(h["name"]) ?? "", Json.Text(h["value"]) ?? ""))];
        return new HeaderChanges(Pairs(f["set"]), Pairs(f["add"]), [.. Json.Strings(f["remove"])]);
    }

    static RequestRedirect? Redirect(List<JsonObject> filters)
    {
        var r = filters.FirstOrDefault(f => Json.Text(f["type"]) == "RequestRedirect")?["requestRedirect"];
        if (r is null) return null;
        return new RequestRedirect(Json.Text(r["scheme"]), Json.Text(r["hostname"]), Json.Int(r["port"]), Modifier(r["path"]), Json.Int(r["statusCode"]) ?? 302);
    }

    static UrlRewrite? Rewrite(List<JsonObject> filters)
    {
        var r = filters.FirstOrDefault(f => Json.Text(f["type"]) == "URLRewrite")?["urlRewrite"];
        return r is null ? null : new UrlRewrite(Json.Text(r["hostname"]), Modifier(r["path"]));
    }

    static PathModifier? Modifier(JsonNode? path) => Json.Text(path?["type"]) switch
    {
        "ReplaceFullPath" => new PathModifier(true, Json.Text(path?["replaceFullPath"]) ?? "/"),
        "ReplacePrefixMatch" => new PathModifier(false, Json.Text(path?["replacePrefixMatch"]) ?? "/"),
        _ => null,
    };

    /// <summary>A Gateway API Duration (`1h`, `10s`, `500ms`, combinations); "0s" and absent are no timeout.</summary>
    internal static TimeSpan? Duration(JsonNode? node)
    {
        var text = Json.Text(node);
        if (string.IsNullOrEmpty(text)) return null;
        var total = TimeSpan.Zero;
        var m = System.Text.RegularExpressions.Regex.Matches(text, @"(\d+)(ms|h|m|s)");
        foreach (System.Text.RegularExpressions.Match part in m)
        {
            var n = long.Parse(part.Groups[1].Value);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n), "m" => TimeSpan.FromMinutes(n), "s" => TimeSpan.FromSeconds(n), _ => TimeSpan.FromMilliseconds(n),
            };
        }
        return total > TimeSpan.Zero ? total : null;
    }
}
