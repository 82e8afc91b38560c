using Podway.Api.Resources;
using R = Podway.Api.Resources.BuiltinResources;

namespace Podway.Api.Validation;

/// <summary>The validator for each resource type. Every served kind has one (at least ObjectMeta checks).</summary>
public static class Validators
{
    public static IObjectValidator For(ResourceType type) =>
        Registered.TryGetValue(type.StorageKey, out var v) ? v : new KindValidator(type.Namespaced, NameRule.Dns1123Subdomain);

    static readonly Dictionary<string, IObjectValidator> Registered = new()
    {
        [R.Namespace.StorageKey] = CoreValidators.Namespace,
        [R.Node.StorageKey] = CoreValidators.Node,
        [R.Pod.StorageKey] = PodValidation.Pod,
        [R.Service.StorageKey] = ServiceValidation.Service,
        [R.Endpoints.StorageKey] = CoreValidators.Endpoints,
        [R.Secret.StorageKey] = CoreValidators.Secret,
        [R.ConfigMap.StorageKey] = CoreValidators.ConfigMap,
        [R.ServiceAccount.StorageKey] = CoreValidators.ServiceAccount,
        [R.CoreEvent.StorageKey] = EventValidation.CoreEvent,
        [R.EventsEvent.StorageKey] = EventValidation.EventsEvent,
        [R.Deployment.StorageKey] = AppsValidation.Deployment,
        [R.ReplicaSet.StorageKey] = AppsValidation.ReplicaSet,
        [R.StatefulSet.StorageKey] = AppsValidation.StatefulSet,
        [R.EndpointSlice.StorageKey] = EndpointSliceValidation.EndpointSlice,
        [R.Ingress.StorageKey] = IngressValidation.Ingress,
        [R.IngressClass.StorageKey] = IngressValidation.IngressClass,
        [R.NetworkPolicy.StorageKey] = NetworkPolicyValidation.NetworkPolicy,
        [R.Lease.StorageKey] = LeaseValidation.Lease,
        [R.GatewayClass.StorageKey] = GatewayValidation.GatewayClass,
        [R.Gateway.StorageKey] = GatewayValidation.Gateway,
        [R.HttpRoute.StorageKey] = RouteValidation.HttpRoute,
        [R.GrpcRoute.StorageKey] = RouteValidation.GrpcRoute,
        [R.TlsRoute.StorageKey] = L4RouteValidation.TlsRoute,
        [R.TcpRoute.StorageKey] = L4RouteValidation.TcpRoute,
        [R.UdpRoute.StorageKey] = L4RouteValidation.UdpRoute,
        [R.ReferenceGrant.StorageKey] = GatewayValidation.ReferenceGrant,
        [R.AdminNetworkPolicy.StorageKey] = AdminNetworkPolicyValidation.AdminNetworkPolicy,
        [R.BaselineAdminNetworkPolicy.StorageKey] = AdminNetworkPolicyValidation.BaselineAdminNetworkPolicy,
    };
}
