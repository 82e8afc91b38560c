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
        var inputs = new EdgeInputs(lists[0], lists[1], lists[2], lists[3], lists[4], Certificate.Value)
        {
            Gateway = new GatewayInputs(lists[5], lists[6], lists[7], lists[8], lists[9]),
        };
        return new(inputs, EdgeConfigBuilder.Build(inputs));
    }

    // Generating the default certificate's RSA key costs tens of milliseconds; one per process is enough.
    static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificate = new(DefaultCertificate.Create);

    public IReadOnlyList<JsonObject> Ingresses => Inputs.Ingresses;
    public IReadOnlyList<JsonObject> Services => Inputs.Services;
    public GatewayInputs Gateway => Inputs.Gateway;
}
