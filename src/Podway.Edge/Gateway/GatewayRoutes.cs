using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// The Gateway side of one edge snapshot: per edge target port (one per Gateway and listener port, see the README)
/// the listeners with their routes, the certificates of HTTPS listeners, and the status every object of podway's
/// class should show. Built by <see cref="GatewayBuilder"/>; immutable.
/// </summary>
public sealed class GatewayRoutes
{
    public static readonly GatewayRoutes Empty = new(new Dictionary<int, GatewayPort>());

    readonly IReadOnlyDictionary<int, GatewayPort> _ports;

    internal GatewayRoutes(IReadOnlyDictionary<int, GatewayPort> ports) => _ports = ports;

    /// <summary>Edge Pod ports to listen on, and whether each is HTTPS.</summary>
    public IReadOnlyDictionary<int, bool> ListenPorts => _ports.ToDictionary(p => p.Key, p => p.Value.Https);

    internal GatewayPort? Port(int targetPort) => _ports.GetValueOrDefault(targetPort);

    /// <summary>The certificate for a handshake on <paramref name="targetPort"/>: the listener whose hostname matches the
    /// SNI best, else the first HTTPS listener of the port; null when none has a usable certificate.</summary>
    public X509Certificate2? CertificateFor(int targetPort, string? serverName)
    {
        if (Port(targetPort) is not { } port) return null;
        var listener = port.ListenerFor(serverName ?? "");
        return (listener?.Certificate ?? port.Listeners.FirstOrDefault(l => l.Certificate is not null)?.Certificate)?.Certificate;
    }

    /// <summary>status wanted on GatewayClasses of podway's controller, by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> ClassStatus { get; init; } = new Dictionary<string, JsonObject>();

    /// <summary>The Gateways of podway's classes: wanted status and LoadBalancer Service, by namespace/name.</summary>
    public IReadOnlyDictionary<string, GatewayState> Gateways { get; init; } = new Dictionary<string, GatewayState>();

    /// <summary>HTTPRoute status.parents entries podway owns (controllerName ours), by route namespace/name.</summary>
    public IReadOnlyDictionary<string, JsonArray> RouteParents { get; init; } = new Dictionary<string, JsonArray>();

    /// <summary>TLS, TCP and UDP listener ports by edge target port (served by <c>GatewayStreamServers</c>).</summary>
    internal IReadOnlyDictionary<int, StreamPort> StreamPorts { get; init; } = new Dictionary<int, StreamPort>();

    /// <summary>Edge Pod ports of L4 listeners and their protocol ("TLS", "TCP", "UDP").</summary>
    public IReadOnlyDictionary<int, string> StreamListenPorts => StreamPorts.ToDictionary(p => p.Key, p => p.Value.Protocol);

    internal StreamPort? StreamPortFor(int targetPort) => StreamPorts.GetValueOrDefault(targetPort);

    /// <summary>TLSRoute/TCPRoute/UDPRoute status.parents entries podway owns, by (kind, route namespace/name).</summary>
    public IReadOnlyDictionary<(string Kind, string Key), JsonArray> StreamRouteParents { get; init; } = new Dictionary<(string, string), JsonArray>();
    /// <summary>The same for GRPCRoutes.</summary>
    public IReadOnlyDictionary<string, JsonArray> GrpcRouteParents { get; init; } = new Dictionary<string, JsonArray>();
}

/// <summary>A Gateway of podway's class: its wanted status, its listener ports (the Service's ports) and the address
/// it asks for (spec.addresses, the Service's loadBalancerIP).</summary>
public sealed record GatewayState(string Namespace, string Name, JsonObject Status, IReadOnlyList<int> Ports, string? RequestedAddress)
{
    /// <summary>Listener ports of UDP listeners (the Service port's protocol is UDP; all others TCP).</summary>
    public IReadOnlySet<int> UdpPorts { get; init; } = new HashSet<int>();
}

/// <summary>The listeners of one Gateway on one port.</summary>
internal sealed class GatewayPort(bool https, IReadOnlyList<GatewayListener> listeners, int listenerPort)
{
    public bool Https { get; } = https;
    public int ListenerPort { get; } = listenerPort;
    public IReadOnlyList<GatewayListener> Listeners { get; } = listeners;

    /// <summary>The listener for a request host: an exact hostname, else the longest matching wildcard, else one
    /// without hostname.</summary>
    public GatewayListener? ListenerFor(string host) => Hostnames.MostSpecific(Listeners, l => l.Hostname, host);
}

/// <summary>One listener ready to serve: its hostname, certificate and routing rules by route hostname.</summary>
internal sealed class GatewayListener
{
    public required string Name { get; init; }
    public string? Hostname { get; init; }
    public ServedCertificate? Certificate { get; init; }
    /// <summary>Rules grouped by the route hostname they were attached under (null: any host the listener takes),
    /// each group sorted by precedence; groups sorted most specific hostname first.</summary>
    public required IReadOnlyList<(string? Hostname, HttpRouteRule[] Rules)> RuleGroups { get; init; }
    /// <summary>GRPCRoute rules, grouped and ordered as <see cref="RuleGroups"/> (never merged with them, as the spec says).</summary>
    public IReadOnlyList<(string? Hostname, GrpcRouteRule[] Rules)> GrpcRuleGroups { get; init; } = [];

    /// <summary>First matching GRPCRoute rule for a call to <paramref name="path"/> (`/SERVICE/METHOD`): route hostnames
    /// by specificity, then the rules' precedence. Null for no match or a path of another shape.</summary>
    public GrpcRouteRule? MatchGrpc(string host, string path, Func<string, string?> header)
    {
        if (GrpcRuleGroups.Count == 0 || !GrpcRouteRule.TrySplitPath(path, out var service, out var method)) return null;
        foreach (var (hostname, rules) in GrpcRuleGroups)
        {
            if (!Hostnames.Matches(hostname, host)) continue;
            foreach (var rule in rules)
                if (rule.Matches(service, method, header)) return rule;
        }
        return null;
    }

    /// <summary>First matching rule: route hostnames by specificity, then the rules' precedence.</summary>
    public HttpRouteRule? Match(string host, string path, string method, Func<string, string?> header, Func<string, string?> query)
    {
        foreach (var (hostname, rules) in RuleGroups)
        {
            if (!Hostnames.Matches(hostname, host)) continue;
            foreach (var rule in rules)
                if (rule.Matches(path, method, header, query)) return rule;
        }
        return null;
    }
}

/// <summary>Gateway API hostnames: `*.example.com` matches any number of extra labels, not `example.com`.</summary>
internal static class Hostnames
{
    public static bool Matches(string? pattern, string host)
    {
        if (pattern is null) return true;
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
            return host.Length > pattern.Length - 1 && host.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase);
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The item whose hostname matches <paramref name="host"/> most specifically (the first of equals); with no
    /// host (a TLS connection without SNI) only an item without hostname.</summary>
    public static T? MostSpecific<T>(IEnumerable<T> items, Func<T, string?> hostname, string? host) where T : class
    {
        T? best = null;
        foreach (var item in items)
            if ((host is null ? hostname(item) is null : Matches(hostname(item), host))
                && (best is null || Specificity(hostname(item)) > Specificity(hostname(best))))
                best = item;
        return best;
    }

    /// <summary>Exact names beat wildcards, longer beats shorter, anything beats no hostname.</summary>
    public static int Specificity(string? pattern) =>
        pattern is null ? 0 : pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern.Length : 10_000 + pattern.Length;

    /// <summary>The hostnames a route gets on a listener (the spec's intersection): the route's name where it lies
    /// within the listener's, the listener's where it lies within the route's wildcard; [null] (any host the listener
    /// takes) when neither names one; empty when they do not intersect.</summary>
    public static List<string?> Intersect(string? listener, IReadOnlyList<string> route)
    {
        if (route.Count == 0) return [listener];
        var result = new List<string?>();
        foreach (var r in route)
        {
            if (listener is null || Within(r, listener)) result.Add(r);
            else if (Within(listener, r)) result.Add(listener);
        }
        return result;
    }

    /// <summary>Some host matches both (null: any host the listener takes).</summary>
    public static bool Overlap(string? a, string? b) => a is null || b is null || Within(a, b) || Within(b, a);

    /// <summary>Every name <paramref name="inner"/> matches is matched by <paramref name="outer"/>.</summary>
    static bool Within(string inner, string outer)
    {
        if (!outer.StartsWith("*.", StringComparison.Ordinal)) return string.Equals(inner, outer, StringComparison.OrdinalIgnoreCase);
        return inner.StartsWith("*.", StringComparison.Ordinal)
            ? inner.AsSpan(1).EndsWith(outer.AsSpan(1), StringComparison.OrdinalIgnoreCase)
            : Matches(outer, inner);
    }
}
