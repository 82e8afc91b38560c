using System.Security.Cryptography.X509Certificates;

namespace Podway.Edge.Routing;

/// <summary>
/// One immutable snapshot of everything the edge serves: built from Ingresses, IngressClasses, Services,
/// EndpointSlices and Secrets, and swapped whole when any of them changes, so a request sees one consistent view.
/// </summary>
public sealed class EdgeConfig
{
    // CONTRACT (filled in by the routing work): the forwarder calls only these members.

    /// <summary>What to do with a request for <paramref name="host"/> (lower case, no port) and <paramref name="path"/>
    /// (the raw path, no query), arriving over HTTPS or not.</summary>
    public RouteDecision Route(string host, string path, bool isHttps) => throw new NotImplementedException();

    /// <summary>The certificate for a TLS handshake naming <paramref name="serverName"/> (SNI, may be null): the
    /// Secret of a matching `spec.tls` entry, else the generated default certificate.</summary>
    public X509Certificate2 CertificateFor(string? serverName) => throw new NotImplementedException();

    /// <summary>Ingresses this edge serves (their class resolved to one of ours), for status and describe.</summary>
    public IReadOnlyList<IngressRef> ServedIngresses { get; init; } = [];

    /// <summary>Problems worth an Event on the Ingress: missing Service or Secret, malformed Secret.</summary>
    public IReadOnlyList<IngressProblem> Problems { get; init; } = [];
}
