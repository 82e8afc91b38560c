using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>A Gateway of podway's class while the builder works on it: its listeners, the target ports and address
/// of its LoadBalancer Service, and the status that follows.</summary>
internal sealed class CompiledGateway
{
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required long Generation { get; init; }
    public required List<ListenerState> Listeners { get; init; }
    /// <summary>Listener port → edge target port, from the Gateway's Service (empty until the status controller made it).</summary>
    public required Dictionary<int, int> TargetPorts { get; init; }
    public string? Address { get; init; }
    /// <summary>The Service has a ready edge Pod behind it (its EndpointSlices).</summary>
    public bool EdgeReady { get; init; }
    public string? RequestedAddress { get; init; }
    public string? BadAddressType { get; init; }

    public GatewayState State()
    {
        var c = GatewayApi.Condition;
        var accepted = BadAddressType is not null
            ? c("Accepted", false, "UnsupportedAddress", $"Address type {BadAddressType} is not supported (IPAddress is)", Generation)
            : Listeners.Count > 0 && Listeners.All(l => !l.Usable)
                ? c("Accepted", false, "ListenersNotValid", "No listener is valid", Generation)
                : c("Accepted", true, "Accepted", "Gateway is accepted", Generation);
        var programmed = Address is null
            ? c("Programmed", false, "AddressNotAssigned", "Waiting for an address from the LoadBalancer pool", Generation)
            : RequestedAddress is not null && RequestedAddress != Address
                ? c("Programmed", false, "AddressNotUsable", $"The requested address {RequestedAddress} could not be assigned", Generation)
                : !EdgeReady
                    ? c("Programmed", false, "Pending", "Waiting for the edge Pods to serve the Gateway's address", Generation)
                    : c("Programmed", true, "Programmed", "Gateway is programmed on podway's edge", Generation);
        var status = new JsonObject
        {
            ["addresses"] = Address is null ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = Address }),
            ["conditions"] = new JsonArray(accepted, programmed),
            ["listeners"] = new JsonArray([.. Listeners.Select(l => (JsonNode)l.Status(Generation, Address is not null && EdgeReady))]),
        };
        var ports = Listeners.Where(l => l.Serving).Select(l => l.Port).Distinct().Order().ToList();
        return new GatewayState(Namespace, Name, status, ports, RequestedAddress)
        {
            UdpPorts = Listeners.Where(l => l.Serving && l.Protocol == "UDP").Select(l => l.Port).ToHashSet(),
        };
    }
}

/// <summary>One listener while the builder works on it.</summary>
internal sealed class ListenerState
{
    public required string Name { get; init; }
    public required int Port { get; init; }
    public required string Protocol { get; init; }
    public string? Hostname { get; init; }
    public required JsonObject Spec { get; init; }
    public List<string> Kinds { get; set; } = [];
    public (string Reason, string Message)? RefProblem { get; set; }
    /// <summary>Why podway cannot serve this listener at all (protocol, TLS mode).</summary>
    public string? Unsupported { get; set; }
    public string? Conflict { get; set; }
    public ServedCertificate? Certificate { get; set; }
    public int AttachedRoutes { get; set; }
    readonly Dictionary<string, List<HttpRouteRule>> _rules = new();
    readonly List<HttpRouteRule> _anyHostRules = [];
    /// <summary>TLSRoutes, TCPRoutes and UDPRoutes attached (L4 listeners).</summary>
    public List<StreamRoute> StreamRoutes { get; } = [];
    readonly Dictionary<string, List<GrpcRouteRule>> _grpcRules = new();
    readonly List<GrpcRouteRule> _anyHostGrpcRules = [];
    /// <summary>Route kind, namespace/name and hostname of every route attached so far (oldest first).</summary>
    readonly List<(string Kind, string Route, string? Hostname)> _claims = [];

    /// <summary>Routes may attach (protocol supported, no conflict).</summary>
    public bool Usable => Unsupported is null && Conflict is null;

    /// <summary>The edge serves it: usable, and HTTPS (or TLS Terminate) has its certificate.</summary>
    public bool Serving => Usable && (Protocol != "HTTPS" && !StreamListeners.Terminates(this) || Certificate is not null);

    public List<HttpRouteRule> RulesFor(string? hostname) =>
        hostname is null ? _anyHostRules : _rules.TryGetValue(hostname, out var list) ? list : _rules[hostname] = [];

    public List<GrpcRouteRule> GrpcRulesFor(string? hostname) =>
        hostname is null ? _anyHostGrpcRules : _grpcRules.TryGetValue(hostname, out var list) ? list : _grpcRules[hostname] = [];

    /// <summary>An HTTPRoute and a GRPCRoute on one listener with intersecting hostnames: the spec accepts only the
    /// older (routes attach oldest first, so the one already here wins). Returns that route, or null.</summary>
    public string? ConflictFor(string kind, IReadOnlyList<string?> names) =>
        _claims.FirstOrDefault(c => c.Kind != kind && names.Any(n => Hostnames.Overlap(n, c.Hostname))).Route;

    public void Claim(string kind, string route, IReadOnlyList<string?> names)
    {
        foreach (var name in names) _claims.Add((kind, route, name));
    }

    public GatewayListener Compile() => new()
    {
        Name = Name, Hostname = Hostname, Certificate = Certificate,
        RuleGroups = [.. _rules.OrderByDescending(r => Hostnames.Specificity(r.Key)).Select(r => ((string?)r.Key, Sorted(r.Value)))
            .Append((null, Sorted(_anyHostRules)))],
        GrpcRuleGroups = [.. _grpcRules.OrderByDescending(r => Hostnames.Specificity(r.Key)).Select(r => ((string?)r.Key, SortedGrpc(r.Value)))
            .Append((null, SortedGrpc(_anyHostGrpcRules)))],
    };

    static GrpcRouteRule[] SortedGrpc(List<GrpcRouteRule> rules)
    {
        var array = rules.Distinct().ToArray();
        Array.Sort(array, GrpcRouteRule.Precedence);
        return array;
    }

    static HttpRouteRule[] Sorted(List<HttpRouteRule> rules)
    {
        var array = rules.Distinct().ToArray();
        Array.Sort(array, HttpRouteRule.Precedence);
        return array;
    }

    public JsonObject Status(long generation, bool hasAddress)
    {
        var c = GatewayApi.Condition;
        return new JsonObject
        {
            ["name"] = Name,
            ["supportedKinds"] = new JsonArray([.. Kinds.Select(k => (JsonNode)new JsonObject { ["group"] = GatewayApi.Group, ["kind"] = k })]),
            ["attachedRoutes"] = AttachedRoutes,
            ["conditions"] = new JsonArray(
                Unsupported is not null
                    ? c("Accepted", false, "UnsupportedProtocol", Unsupported, generation)
                    : c("Accepted", true, "Accepted", "Listener is accepted", generation),
                Conflict is not null
                    ? c("Conflicted", true, Conflict, $"Another listener on port {Port} {(Conflict == "ProtocolConflict" ? "has another protocol" : "has the same hostname")}", generation)
                    : c("Conflicted", false, "NoConflicts", "No conflicts", generation),
                RefProblem is { } p
                    ? c("ResolvedRefs", false, p.Reason, p.Message, generation)
                    : c("ResolvedRefs", true, "ResolvedRefs", "All references resolved", generation),
                !Serving ? c("Programmed", false, "Invalid", "Listener is not valid", generation)
                : hasAddress ? c("Programmed", true, "Programmed", "Listener is programmed", generation)
                : c("Programmed", false, "Pending", "Waiting for the Gateway's address and a ready edge Pod", generation)),
        };
    }
}
