using System.Security.Cryptography.X509Certificates;

namespace Podway.Edge.Routing;

/// <summary>
/// One immutable snapshot of everything the edge serves: built from Ingresses, IngressClasses, Services,
/// EndpointSlices and Secrets, and swapped whole when any of them changes, so a request sees one consistent view.
/// </summary>
public sealed class EdgeConfig : IEdgeRoutes
{
    static readonly RouteDecision.NotFound NotFound = new();

    readonly HostMap<HostRoutes> _hosts;
    readonly HostRoutes _anyHost;
    readonly PathRoute? _catchAll;
    readonly HostMap<ServedCertificate> _certificates;
    readonly ServedCertificate _default;
    readonly HostMap<object> _tlsHosts;

    internal EdgeConfig(HostMap<HostRoutes> hosts, HostRoutes anyHost, PathRoute? catchAll,
        HostMap<ServedCertificate> certificates, HostMap<object> tlsHosts, ServedCertificate defaultCertificate)
    {
        _hosts = hosts;
        _anyHost = anyHost;
        _catchAll = catchAll;
        _certificates = certificates;
        _tlsHosts = tlsHosts;
        _default = defaultCertificate;
    }

    /// <summary>A snapshot that serves nothing (every request 404) until the first build.</summary>
    public static EdgeConfig Empty(X509Certificate2 defaultCertificate) =>
        new(new HostMap<HostRoutes>(), new HostRoutes(), null, new HostMap<ServedCertificate>(), new HostMap<object>(),
            ServedCertificate.Of(defaultCertificate));

    // CONTRACT (filled in by the routing work): the forwarder calls only these members.

    /// <summary>
    /// Host first (exact, else one-label wildcard, else the rules without host), then the longest matching path of
    /// that host, then that host's default backend, then the catch-all default backend, else NotFound. A plain-HTTP
    /// request for a TLS host (or to a force-ssl-redirect Ingress) gets Redirect to `https://host/path`; the forwarder
    /// appends `?query` itself.
    /// </summary>
    public RouteDecision Route(string host, string path, bool isHttps)
    {
        if (path.Length == 0) path = "/";
        var route = (_hosts.Find(host) ?? _anyHost).Match(path) ?? _catchAll;
        if (route is null) return NotFound;
        // No Host header, no https://host to send the client to: forward instead.
        if (!isHttps && host.Length > 0 && (route.ForceSslRedirect || route.SslRedirect && _tlsHosts.Find(host) is not null))
            return new RouteDecision.Redirect(string.Concat("https://", host, path));
        if (route.Redirect is { } fixedAnswer) return new RouteDecision.Redirect(fixedAnswer.Url, fixedAnswer.Status, KeepQuery: false);
        if (route.AppRoot is { } appRoot && path == "/" && host.Length > 0)
            return new RouteDecision.Redirect(string.Concat(isHttps ? "https://" : "http://", host, appRoot), 302, KeepQuery: false);
        return route.Forward;
    }

    public X509Certificate2 CertificateFor(string? serverName) => ServedCertificateFor(serverName).Certificate;

    /// <summary>As <see cref="CertificateFor"/>, with the intermediates from tls.crt and the SslStream context sending
    /// them (use <c>ServerCertificateContext</c> to serve a full chain).</summary>
    public ServedCertificate ServedCertificateFor(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName)) return _default;
        // SNI is case-insensitive; lower only when needed so a handshake usually allocates nothing here.
        var name = HasUpper(serverName) ? serverName.ToLowerInvariant() : serverName;
        return _certificates.Find(name) ?? _default;
    }

    static bool HasUpper(string s)
    {
        foreach (var c in s)
            if (char.IsAsciiLetterUpper(c) || c > 0x7f)
                return true;
        return false;
    }

    /// <summary>Served when no `spec.tls` entry matches or its Secret is unusable.</summary>
    public X509Certificate2 DefaultCertificate => _default.Certificate;

    /// <summary>Ingresses this edge serves (their class resolved to one of ours), for status and describe.</summary>
    public IReadOnlyList<IngressRef> ServedIngresses { get; init; } = [];

    /// <summary>Problems worth an Event on the Ingress: missing Service or Secret, malformed Secret.</summary>
    public IReadOnlyList<IngressProblem> Problems { get; init; } = [];

    /// <summary>The Gateway API side: listeners by edge target port, and the status of podway's Gateway objects.</summary>
    public Gateway.GatewayRoutes Gateways { get; init; } = Gateway.GatewayRoutes.Empty;
}
