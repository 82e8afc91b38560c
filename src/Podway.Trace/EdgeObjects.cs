using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;

namespace Podway.Trace;

/// <summary>The objects the edge routes from, listed cluster-wide once, and the snapshot the edge itself would build
/// from them (<see cref="EdgeConfigBuilder"/>): trace asks it the same questions the edge Pods do.</summary>
internal sealed record EdgeObjects(EdgeInputs Inputs, EdgeConfig Config)
{
    public static async Task<EdgeObjects> LoadAsync(ClusterObjects objects)
    {
        var lists = await Task.WhenAll(
            objects.ListAsync(BuiltinResources.Ingress), objects.ListAsync(BuiltinResources.IngressClass),
            objects.ListAsync(BuiltinResources.Service), objects.ListAsync(BuiltinResources.EndpointSlice),
            objects.ListAsync(BuiltinResources.Secret), objects.ListAsync(BuiltinResources.GatewayClass),
            objects.ListAsync(BuiltinResources.Gateway), objects.ListAsync(BuiltinResources.HttpRoute),
            objects.ListAsync(BuiltinResources.ReferenceGrant), objects.ListAsync(BuiltinResources.Namespace));
        // GRPCRoutes too: an older one on a listener's hostname keeps an HTTPRoute off it, as in the edge.
        var grpcRoutes = await objects.ListAsync(BuiltinResources.GrpcRoute);
        var inputs = new EdgeInputs(lists[0], lists[1], lists[2], lists[3], lists[4], Certificate.Value)
        {
            Gateway = new GatewayInputs(lists[5], lists[6], lists[7], lists[8], lists[9]) { GrpcRoutes = grpcRoutes },
        };
        return new(inputs, EdgeConfigBuilder.Build(inputs));
    }

    // Trace never serves a handshake: it only needs to tell the default certificate from a Secret's. An ECDSA
    // stand-in with the same subject takes ~1 ms where the edge's RSA-2048 key costs 50-200 ms of CPU.
    static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={DefaultCertificate.CommonName}, O=Acme Co", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    });

    public IReadOnlyList<JsonObject> Ingresses => Inputs.Ingresses;
    public IReadOnlyList<JsonObject> Services => Inputs.Services;
    public GatewayInputs Gateway => Inputs.Gateway;
}
