using System.Security.Cryptography.X509Certificates;
using Podway.Edge.Routing;

namespace Podway.Edge.Tests.Serving;

/// <summary>A routing table for tests: host → decision, SNI name → certificate. Records the hosts it was asked.</summary>
internal sealed class TableRoutes(X509Certificate2 defaultCertificate) : IEdgeRoutes
{
    public Dictionary<string, RouteDecision> Hosts { get; } = [];
    public Dictionary<string, X509Certificate2> Certificates { get; } = [];
    public List<(string Host, string Path, bool IsHttps)> Asked { get; } = [];

    public RouteDecision Route(string host, string path, bool isHttps)
    {
        lock (Asked) Asked.Add((host, path, isHttps));
        return Hosts.TryGetValue(host, out var decision) ? decision : new RouteDecision.NotFound();
    }

    public X509Certificate2 CertificateFor(string? serverName) =>
        serverName is not null && Certificates.TryGetValue(serverName, out var certificate) ? certificate : defaultCertificate;

    public static RouteDecision.Forward Forward(string service, IEnumerable<int> ports, string? appProtocol = null) =>
        new(new IngressRef("shop", "web"), new BackendPool("shop", service, $"{service}:80",
            ports.Select(p => new Upstream("127.0.0.1", p, Ready: true, Serving: true, Terminating: false)).ToList(), appProtocol));
}
