using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// The listeners of one Gateway on one port of protocol TLS, TCP or UDP (the L4 listeners; HTTP and HTTPS are
/// <see cref="GatewayPort"/>s). Immutable, part of a <see cref="GatewayRoutes"/> snapshot.
/// </summary>
internal sealed class StreamPort(string protocol, int listenerPort, IReadOnlyList<StreamListener> listeners)
{
    /// <summary>"TLS", "TCP" or "UDP".</summary>
    public string Protocol { get; } = protocol;
    public int ListenerPort { get; } = listenerPort;
    public IReadOnlyList<StreamListener> Listeners { get; } = listeners;

    /// <summary>The route for a connection: TLS by its SNI (<paramref name="serverName"/>, null when the ClientHello
    /// had none), TCP and UDP the port's one listener. Null: nothing serves it (the connection is closed).</summary>
    public StreamRoute? RouteFor(string? serverName) => ListenerFor(serverName)?.RouteFor(serverName);

    /// <summary>The listener for a server name: exact hostname, else the longest matching wildcard, else one without
    /// hostname; a connection without SNI only reaches a listener without hostname.</summary>
    public StreamListener? ListenerFor(string? serverName) => Hostnames.MostSpecific(Listeners, l => l.Hostname, serverName);
}

/// <summary>One L4 listener ready to serve: hostname (TLS), whether it terminates TLS (and with which certificate),
/// and its routes, most specific hostname first, then oldest first.</summary>
internal sealed class StreamListener
{
    public required string Name { get; init; }
    public string? Hostname { get; init; }
    /// <summary>TLS mode Terminate: the edge completes the handshake with <see cref="Certificate"/> and forwards the
    /// plain stream; otherwise (Passthrough, TCP, UDP) bytes go through untouched.</summary>
    public ServedCertificate? Certificate { get; init; }
    public required IReadOnlyList<StreamRoute> Routes { get; init; }

    public StreamRoute? RouteFor(string? serverName)
    {
        foreach (var r in Routes)
            if (serverName is null ? r.Hostname is null : Hostnames.Matches(r.Hostname, serverName)) return r;
        return null;
    }
}

/// <summary>A TLSRoute, TCPRoute or UDPRoute attached to a listener under one hostname (null: any the listener
/// takes): its backends by weight, drawn per connection (UDP: per client flow).</summary>
internal sealed class StreamRoute
{
    public required string Kind { get; init; }
    public required RouteRef Route { get; init; }
    public string? Hostname { get; init; }
    public required IReadOnlyList<WeightedBackend> Backends { get => _backends; init => (_backends, TotalWeight) = (value, WeightedBackend.Total(value)); }
    readonly IReadOnlyList<WeightedBackend> _backends = [];
    internal IngressAge Age { get; init; }

    /// <summary>A backend drawn by weight for a new connection or flow; null when every weight is 0. Its Pool is null
    /// when the backendRef is invalid: the connection is closed (an HTTPRoute request would get 500).</summary>
    public WeightedBackend? Pick() => TotalWeight > 0 ? Pick(Random.Shared.Next(TotalWeight)) : null;

    /// <summary><see cref="Pick()"/> with the draw given (in [0, <see cref="TotalWeight"/>)).</summary>
    public WeightedBackend? Pick(int draw) => WeightedBackend.At(Backends, draw);

    public int TotalWeight { get; private init; }

    public override string ToString() => $"{Kind}/{Route}";
}
