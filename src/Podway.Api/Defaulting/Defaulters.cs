using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Defaulting;

/// <summary>
/// Fills in the defaults kube-apiserver sets (SetDefaults_* in k8s.io/kubernetes pkg/apis/*/v1/defaults.go,
/// the admission plugins that default pods, and the OpenAPI defaults of the Gateway API and network-policy-api CRDs) so stored
/// objects read back as they would from a real cluster. Only absent fields are filled, so Apply is idempotent.
/// </summary>
public static class Defaulters
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (Registered.TryGetValue(type.StorageKey, out var defaulter)) defaulter(obj);
    }

    static readonly Dictionary<string, Action<JsonObject>> Registered = new()
    {
        [BuiltinResources.Namespace.StorageKey] = CoreDefaults.Namespace,
        [BuiltinResources.Node.StorageKey] = CoreDefaults.Node,
        [BuiltinResources.Pod.StorageKey] = PodDefaults.Pod,
        [BuiltinResources.Service.StorageKey] = ServiceDefaults.Service,
        [BuiltinResources.Endpoints.StorageKey] = DiscoveryDefaults.Endpoints,
        [BuiltinResources.Secret.StorageKey] = CoreDefaults.Secret,
        [BuiltinResources.CoreEvent.StorageKey] = CoreDefaults.CoreEvent,
        [BuiltinResources.Deployment.StorageKey] = AppsDefaults.Deployment,
        [BuiltinResources.ReplicaSet.StorageKey] = AppsDefaults.ReplicaSet,
        [BuiltinResources.StatefulSet.StorageKey] = AppsDefaults.StatefulSet,
        [BuiltinResources.EndpointSlice.StorageKey] = DiscoveryDefaults.EndpointSlice,
        [BuiltinResources.Ingress.StorageKey] = NetworkingDefaults.Ingress,
        [BuiltinResources.IngressClass.StorageKey] = NetworkingDefaults.IngressClass,
        [BuiltinResources.NetworkPolicy.StorageKey] = NetworkingDefaults.NetworkPolicy,
        [BuiltinResources.EventsEvent.StorageKey] = CoreDefaults.EventsEvent,
        [BuiltinResources.GatewayClass.StorageKey] = GatewayDefaults.GatewayClass,
        [BuiltinResources.Gateway.StorageKey] = GatewayDefaults.Gateway,
        [BuiltinResources.HttpRoute.StorageKey] = GatewayDefaults.HttpRoute,
        [BuiltinResources.GrpcRoute.StorageKey] = GatewayDefaults.GrpcRoute,
        [BuiltinResources.TlsRoute.StorageKey] = GatewayDefaults.L4Route,
        [BuiltinResources.TcpRoute.StorageKey] = GatewayDefaults.L4Route,
        [BuiltinResources.UdpRoute.StorageKey] = GatewayDefaults.L4Route,
        [BuiltinResources.AdminNetworkPolicy.StorageKey] = AdminNetworkPolicyDefaults.Policy,
        [BuiltinResources.BaselineAdminNetworkPolicy.StorageKey] = AdminNetworkPolicyDefaults.Policy,
        // ConfigMap, ServiceAccount, Lease and ReferenceGrant have no defaults in Kubernetes.
    };
}
