namespace Podway.Api.Resources;

/// <summary>Every resource type Podway serves, as kube-apiserver 1.33 (plus the Gateway API and network-policy-api CRDs) would.</summary>
public static class BuiltinResources
{
    static readonly string[] None = [];
    static readonly string[] All = ["all"];
    static readonly string[] Status = ["status"];
    static readonly string[] StatusScale = ["status", "scale"];

    public static readonly ResourceType Namespace = new("", "v1", "Namespace", "namespaces", "namespace", false, ["ns"], None, ["status", "finalize"]);
    public static readonly ResourceType Node = new("", "v1", "Node", "nodes", "node", false, ["no"], None, ["status", "proxy"]);
    public static readonly ResourceType Pod = new("", "v1", "Pod", "pods", "pod", true, ["po"], All, ["status", "log", "exec", "attach", "portforward", "binding", "eviction", "ephemeralcontainers"]);
    public static readonly ResourceType Service = new("", "v1", "Service", "services", "service", true, ["svc"], All, ["status", "proxy"]);
    public static readonly ResourceType Endpoints = new("", "v1", "Endpoints", "endpoints", "endpoints", true, ["ep"], None, None);
    public static readonly ResourceType Secret = new("", "v1", "Secret", "secrets", "secret", true, None, None, None);
    public static readonly ResourceType ConfigMap = new("", "v1", "ConfigMap", "configmaps", "configmap", true, ["cm"], None, None);
    public static readonly ResourceType ServiceAccount = new("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, ["sa"], None, None);
    public static readonly ResourceType CoreEvent = new("", "v1", "Event", "events", "event", true, ["ev"], None, None);

    public static readonly ResourceType Deployment = new("apps", "v1", "Deployment", "deployments", "deployment", true, ["deploy"], All, StatusScale);
    public static readonly ResourceType ReplicaSet = new("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, ["rs"], All, StatusScale);
    public static readonly ResourceType StatefulSet = new("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, ["sts"], All, StatusScale);

    public static readonly ResourceType EndpointSlice = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, None, None, None);

    public static readonly ResourceType Ingress = new("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true, ["ing"], None, Status);
    public static readonly ResourceType IngressClass = new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", false, None, None, None);
    public static readonly ResourceType NetworkPolicy = new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true, ["netpol"], None, None);

    public static readonly ResourceType Lease = new("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, None, None, None);
    public static readonly ResourceType EventsEvent = new("events.k8s.io", "v1", "Event", "events", "event", true, ["ev"], None, None);

    public static readonly ResourceType GatewayClass = new("gateway.networking.k8s.io", "v1", "GatewayClass", "gatewayclasses", "gatewayclass", false, ["gc"], None, Status);
    public static readonly ResourceType Gateway = new("gateway.networking.k8s.io", "v1", "Gateway", "gateways", "gateway", true, ["gtw"], None, Status);
    public static readonly ResourceType HttpRoute = new("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes", "httproute", true, None, None, Status);
    public static readonly ResourceType GrpcRoute = new("gateway.networking.k8s.io", "v1", "GRPCRoute", "grpcroutes", "grpcroute", true, None, None, Status);
    // The experimental channel's L4 route kinds at v1alpha2, the version every release podway mirrors (v1.1-v1.4) serves
    // and the upstream conformance manifests use.
    public static readonly ResourceType TlsRoute = new("gateway.networking.k8s.io", "v1alpha2", "TLSRoute", "tlsroutes", "tlsroute", true, None, None, Status);
    public static readonly ResourceType TcpRoute = new("gateway.networking.k8s.io", "v1alpha2", "TCPRoute", "tcproutes", "tcproute", true, None, None, Status);
    public static readonly ResourceType UdpRoute = new("gateway.networking.k8s.io", "v1alpha2", "UDPRoute", "udproutes", "udproute", true, None, None, Status);
    public static readonly ResourceType ReferenceGrant = new("gateway.networking.k8s.io", "v1beta1", "ReferenceGrant", "referencegrants", "referencegrant", true, ["refgrant"], None, None);

    // kubernetes-sigs/network-policy-api v0.1.7, standard channel (the last release with the v1alpha1 kinds).
    public static readonly ResourceType AdminNetworkPolicy = new("policy.networking.k8s.io", "v1alpha1", "AdminNetworkPolicy", "adminnetworkpolicies", "adminnetworkpolicy", false, ["anp"], None, Status);
    public static readonly ResourceType BaselineAdminNetworkPolicy = new("policy.networking.k8s.io", "v1alpha1", "BaselineAdminNetworkPolicy", "baselineadminnetworkpolicies", "baselineadminnetworkpolicy", false, ["banp"], None, Status);

    public static readonly IReadOnlyList<ResourceType> AllTypes =
    [
        Namespace, Node, Pod, Service, Endpoints, Secret, ConfigMap, ServiceAccount, CoreEvent,
        Deployment, ReplicaSet, StatefulSet,
        EndpointSlice,
        Ingress, IngressClass, NetworkPolicy,
        Lease, EventsEvent,
        GatewayClass, Gateway, HttpRoute, GrpcRoute, ReferenceGrant, TlsRoute, TcpRoute, UdpRoute,
        AdminNetworkPolicy, BaselineAdminNetworkPolicy,
    ];

    /// <summary>Kinds that kube serves from CRDs (the Gateway API, the network-policy-api): no strategic merge
    /// patch, generation always tracked, field selectors limited to metadata.</summary>
    public static bool IsCustomResource(ResourceType type) => type.Group is "gateway.networking.k8s.io" or "policy.networking.k8s.io";

    static readonly Dictionary<(string Group, string Version, string Plural), ResourceType> ByPath =
        AllTypes.ToDictionary(t => (t.Group, t.Version, t.Plural));

    static readonly Dictionary<(string ApiVersion, string Kind), ResourceType> ByKind =
        AllTypes.ToDictionary(t => (t.ApiVersion, t.Kind));

    public static ResourceType? Find(string group, string version, string plural) =>
        ByPath.GetValueOrDefault((group, version, plural));

    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        ByKind.GetValueOrDefault((apiVersion, kind));

    /// <summary>The group-versions served, in the order discovery lists them (core first).</summary>
    public static IEnumerable<(string Group, string Version)> GroupVersions =>
        AllTypes.Select(t => (t.Group, t.Version)).Distinct();
}
