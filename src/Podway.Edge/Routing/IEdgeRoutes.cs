using System.Security.Cryptography.X509Certificates;

namespace Podway.Edge.Routing;

/// <summary>What the forwarder asks of the routing snapshot (implemented by <see cref="EdgeConfig"/>).</summary>
public interface IEdgeRoutes
{
    /// <summary>What to do with a request for <paramref name="host"/> (lower case, no port) and <paramref name="path"/>
    /// (the raw path, no query), arriving over HTTPS or not.</summary>
    RouteDecision Route(string host, string path, bool isHttps);

    /// <summary>The certificate for a TLS handshake naming <paramref name="serverName"/> (SNI, may be null): the
    /// Secret of a matching `spec.tls` entry, else the generated default certificate.</summary>
    X509Certificate2 CertificateFor(string? serverName);

    /// <summary>The Gateway listeners and routes (for the edge's Gateway ports); none unless overridden.</summary>
    Gateway.GatewayRoutes Gateways => Gateway.GatewayRoutes.Empty;
}
