using System.Net;

namespace Podway.Edge.Serving;

/// <summary>Where the edge listens and how it talks to upstreams.</summary>
public sealed record EdgeServerOptions
{
    /// <summary>Cleartext endpoint (HTTP/1.1 and h2c with prior knowledge), e.g. 0.0.0.0:80; port 0 picks a free one;
    /// null serves no cleartext (a Gateway's HTTPS port).</summary>
    public IPEndPoint? Http { get; init; } = new(IPAddress.Any, 80);

    /// <summary>TLS endpoint (HTTP/1.1 and HTTP/2 by ALPN, certificate by SNI); null serves no HTTPS.</summary>
    public IPEndPoint? Https { get; init; } = new(IPAddress.Any, 443);

    /// <summary>A TCP connect to an upstream taking longer counts as a connect failure (retried elsewhere).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>From sending the request until the upstream's response headers arrive; past it the client gets 504. On
    /// HTTP/1.1 upstreams it also bounds each wait for more response body (the client connection is then aborted).</summary>
    public TimeSpan ResponseHeaderTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pooled upstream connections are closed after this long, so endpoint changes and DNAT rules apply.</summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts per request across distinct endpoints (connect failures, idempotent requests).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>True while the edge Pod drains before shutdown: HTTP/1.1 responses then carry `Connection: close`.</summary>
    public Func<bool>? Draining { get; init; }

    /// <summary>Set for a Gateway port: route by the Gateway listeners of this edge target port
    /// (<see cref="Routing.IEdgeRoutes.Gateways"/>) instead of by Ingress; certificates likewise come from its HTTPS
    /// listeners.</summary>
    public int? GatewayPort { get; init; }

    /// <summary>Where the nginx-like access log goes (one line per request); null logs nothing.</summary>
    public Stream? AccessLog { get; init; }
}
