using System.Text.Json.Nodes;

namespace Podway.Edge.Gateway;

/// <summary>The Gateway API objects a <see cref="GatewayRoutes"/> is built from (Services, EndpointSlices and Secrets
/// come from <see cref="Routing.EdgeInputs"/>, shared with the Ingress side).</summary>
public sealed record GatewayInputs(
    IReadOnlyList<JsonObject> GatewayClasses,
    IReadOnlyList<JsonObject> Gateways,
    IReadOnlyList<JsonObject> HttpRoutes,
    IReadOnlyList<JsonObject> ReferenceGrants,
    IReadOnlyList<JsonObject> Namespaces)
{
    /// <summary>GRPCRoutes (an init property, so the positional shape callers build stays as it was).</summary>
    public IReadOnlyList<JsonObject> GrpcRoutes { get; init; } = [];

    public static readonly GatewayInputs None = new([], [], [], [], []);

    /// <summary>The experimental channel's L4 routes (v1alpha2), attached by <see cref="StreamRouteAttachment"/>.</summary>
    public IReadOnlyList<JsonObject> TlsRoutes { get; init; } = [];
    public IReadOnlyList<JsonObject> TcpRoutes { get; init; } = [];
    public IReadOnlyList<JsonObject> UdpRoutes { get; init; } = [];
}
