using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printService: CLUSTER-IP, EXTERNAL-IP by type (LoadBalancer "&lt;pending&gt;"), PORT(S) "80:30007/TCP".</summary>
internal sealed class ServicePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
        Printing.Columns.Str("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
        Printing.Columns.Str("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        Printing.Columns.Str("Port(s)", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        Printing.Columns.Age,
        Printing.Columns.Str("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify.", 1),
    ];

    public object?[] Cells(JsonObject svc, DateTimeOffset now)
    {
        var clusterIPs = Arr(svc, "spec", "clusterIPs");
        var internalIP = clusterIPs.Count > 0 ? Str(clusterIPs[0]) : "<none>";
        var ports = PortString(Objects(svc, "spec", "ports"));
        return
        [
            ObjectMetaRead.Name(svc), Type(svc), internalIP, ExternalIP(svc),
            ports.Length == 0 ? "<none>" : ports,
            ObjectMetaRead.Age(svc, now),
            LabelFormat.FormatLabels(Obj(svc, "spec", "selector")),
        ];
    }

    static string Type(JsonObject svc) => Str(svc, "spec", "type") is { Length: > 0 } t ? t : "ClusterIP";

    /// <summary>getServiceExternalIP with wide=true (the server never truncates).</summary>
    static string ExternalIP(JsonObject svc)
    {
        var externalIPs = Arr(svc, "spec", "externalIPs").Select(ip => Str(ip)).ToList();
        switch (Type(svc))
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(",", externalIPs) : "<none>";
            case "LoadBalancer":
                var lbIPs = LoadBalancerStatus.Format(Obj(svc, "status", "loadBalancer"));
                if (externalIPs.Count > 0)
                {
                    var results = new List<string>();
                    if (lbIPs.Length > 0) results.AddRange(lbIPs.Split(','));
                    results.AddRange(externalIPs);
                    return string.Join(",", results);
                }
                return lbIPs.Length > 0 ? lbIPs : "<pending>";
            case "ExternalName":
                return Str(svc, "spec", "externalName");
            default:
                return "<unknown>";
        }
    }

    static string PortString(IEnumerable<JsonObject> ports) => string.Join(",", ports.Select(p =>
    {
        var protocol = Str(p, "protocol") is { Length: > 0 } proto ? proto : "TCP";
        var nodePort = Long(p, "nodePort");
        return nodePort > 0 ? $"{Long(p, "port")}:{nodePort}/{protocol}" : $"{Long(p, "port")}/{protocol}";
    }));
}

/// <summary>printers.go loadBalancerStatusStringer: distinct IPs (else hostnames), sorted, comma-joined.</summary>
internal static class LoadBalancerStatus
{
    public static string Format(JsonObject? status)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ingress in Objects(status, "ingress"))
        {
            if (Str(ingress, "ip") is { Length: > 0 } ip) result.Add(ip);
            else if (Str(ingress, "hostname") is { Length: > 0 } host) result.Add(host);
        }
        return string.Join(",", result);
    }
}
