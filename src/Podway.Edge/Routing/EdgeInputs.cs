using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>Everything an <see cref="EdgeConfig"/> is built from: the cluster's objects as the API returns them.</summary>
/// <param name="DefaultCertificate">Served when no `spec.tls` entry matches or its Secret is unusable
/// (see <see cref="DefaultCertificate.Create"/>).</param>
public sealed record EdgeInputs(
    IReadOnlyList<JsonObject> Ingresses,
    IReadOnlyList<JsonObject> IngressClasses,
    IReadOnlyList<JsonObject> Services,
    IReadOnlyList<JsonObject> EndpointSlices,
    IReadOnlyList<JsonObject> Secrets,
    X509Certificate2 DefaultCertificate)
{
    /// <summary>GatewayClasses, Gateways, HTTPRoutes, ReferenceGrants and Namespaces (none: no Gateway routing).</summary>
    public Gateway.GatewayInputs Gateway { get; init; } = Podway.Edge.Gateway.GatewayInputs.None;
}
