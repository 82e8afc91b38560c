using System.Security.Cryptography.X509Certificates;

namespace Podway.Edge.Routing;

/// <summary>
/// One immutable snapshot of everything the edge serves: built from Ingresses, IngressClasses, Services,
/// EndpointSlices and Secrets, and swapped whole when any of them changes, so a request sees one consistent view.
/// </summary>
public sealed class EdgeConfig : IEdgeRoutes
{
    // CONTRACT (filled in by the routing work): the forwarder calls only these members.

    public RouteDecision Route(string host, string path, bool isHttps) => throw new NotImplementedException();

    public X509Certificate2 CertificateFor(string? serverName) => throw new NotImplementedException();

    /// <summary>Ingresses this edge serves (their class resolved to one of ours), for status and describe.</summary>
    public IReadOnlyList<IngressRef> ServedIngresses { get; init; } = [];

    /// <summary>Problems worth an Event on the Ingress: missing Service or Secret, malformed Secret.</summary>
    public IReadOnlyList<IngressProblem> Problems { get; init; } = [];
}
