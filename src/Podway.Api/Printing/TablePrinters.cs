using Podway.Api.Printing.Printers;
using Podway.Api.Resources;

namespace Podway.Api.Printing;

/// <summary>The printer kube-apiserver would use for each served resource; the default NAME/CREATED AT otherwise.</summary>
public static class TablePrinters
{
    static readonly ITablePrinter Default = new DefaultPrinter();

    static readonly Dictionary<ResourceType, ITablePrinter> ByType = new()
    {
        [BuiltinResources.Pod] = new PodPrinter(),
        [BuiltinResources.Deployment] = new DeploymentPrinter(),
        [BuiltinResources.ReplicaSet] = new ReplicaSetPrinter(),
        [BuiltinResources.StatefulSet] = new StatefulSetPrinter(),
        [BuiltinResources.Service] = new ServicePrinter(),
        [BuiltinResources.Endpoints] = new EndpointsPrinter(),
        [BuiltinResources.EndpointSlice] = new EndpointSlicePrinter(),
        [BuiltinResources.Ingress] = new IngressPrinter(),
        [BuiltinResources.IngressClass] = new IngressClassPrinter(),
        [BuiltinResources.NetworkPolicy] = new NetworkPolicyPrinter(),
        [BuiltinResources.Namespace] = new NamespacePrinter(),
        [BuiltinResources.Node] = new NodePrinter(),
        [BuiltinResources.CoreEvent] = new EventPrinter(eventsApi: false),
        [BuiltinResources.EventsEvent] = new EventPrinter(eventsApi: true),
        [BuiltinResources.Secret] = new SecretPrinter(),
        [BuiltinResources.ConfigMap] = new ConfigMapPrinter(),
        [BuiltinResources.ServiceAccount] = new ServiceAccountPrinter(),
        [BuiltinResources.Lease] = new LeasePrinter(),
        // Gateway API: the additionalPrinterColumns of the upstream CRDs (gateway-api v1.x standard channel).
        [BuiltinResources.GatewayClass] = new CustomColumnsPrinter(
        [
            new("Controller", "string", ".spec.controllerName"),
            new("Accepted", "string", """.status.conditions[?(@.type=="Accepted")].status"""),
            new("Age", "date", ".metadata.creationTimestamp"),
            new("Description", "string", ".spec.description", Priority: 1),
        ]),
        [BuiltinResources.Gateway] = new CustomColumnsPrinter(
        [
            new("Class", "string", ".spec.gatewayClassName"),
            new("Address", "string", ".status.addresses[*].value"),
            new("Programmed", "string", """.status.conditions[?(@.type=="Programmed")].status"""),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]),
        [BuiltinResources.HttpRoute] = new CustomColumnsPrinter([new("Hostnames", "string", ".spec.hostnames"), new("Age", "date", ".metadata.creationTimestamp")]),
        [BuiltinResources.GrpcRoute] = new CustomColumnsPrinter([new("Hostnames", "string", ".spec.hostnames"), new("Age", "date", ".metadata.creationTimestamp")]),
        // The experimental CRDs print Age only.
        [BuiltinResources.TlsRoute] = new CustomColumnsPrinter([new("Age", "date", ".metadata.creationTimestamp")]),
        [BuiltinResources.TcpRoute] = new CustomColumnsPrinter([new("Age", "date", ".metadata.creationTimestamp")]),
        [BuiltinResources.UdpRoute] = new CustomColumnsPrinter([new("Age", "date", ".metadata.creationTimestamp")]),
        [BuiltinResources.ReferenceGrant] = new CustomColumnsPrinter([new("Age", "date", ".metadata.creationTimestamp")]),
        // network-policy-api v0.1.7 CRDs (Priority is a "string" column there).
        [BuiltinResources.AdminNetworkPolicy] = new CustomColumnsPrinter([new("Priority", "string", ".spec.priority"), new("Age", "date", ".metadata.creationTimestamp")]),
        [BuiltinResources.BaselineAdminNetworkPolicy] = new CustomColumnsPrinter([new("Age", "date", ".metadata.creationTimestamp")]),
    };

    public static ITablePrinter For(ResourceType type) => ByType.GetValueOrDefault(type) ?? Default;
}
