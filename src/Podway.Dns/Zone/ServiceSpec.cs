using System.Net;
using System.Text.Json.Nodes;

namespace Podway.Dns.Zone;

/// <summary>What DNS needs of one Service object.</summary>
internal sealed record ServiceSpec(string Name, string Namespace, ServiceKind Kind, byte[][] ClusterIPs, NamedPort[] Ports,
    string? ExternalName, bool PublishNotReadyAddresses)
{
    public static ServiceSpec From(JsonObject service)
    {
        var meta = service["metadata"] as JsonObject;
        var name = (string?)meta?["name"] ?? "";
        var ns = (string?)meta?["namespace"] ?? "default";
        var spec = service["spec"] as JsonObject;
        var type = (string?)spec?["type"];
        var externalName = (string?)spec?["externalName"];
        var clusterIP = (string?)spec?["clusterIP"];
        var kind = type == "ExternalName" ? ServiceKind.ExternalName
            : clusterIP == "None" ? ServiceKind.Headless : ServiceKind.ClusterIP;
        var ips = new List<byte[]>();
        if (kind == ServiceKind.ClusterIP)
        {
            var all = (spec?["clusterIPs"] as JsonArray)?.Select(n => (string?)n).ToList() ?? [];
            if (all.Count == 0 && clusterIP is not null) all.Add(clusterIP);
            foreach (var ip in all)
                if (IPAddress.TryParse(ip, out var parsed)) ips.Add(parsed.GetAddressBytes());
        }
        var ports = new List<NamedPort>();
        foreach (var port in spec?["ports"] as JsonArray ?? [])
        {
            var portName = (string?)port?["name"];
            var number = (int?)port?["port"];
            if (string.IsNullOrEmpty(portName) || number is not (> 0 and <= 65535)) continue; // unnamed ports have no SRV
            ports.Add(new NamedPort(portName.ToLowerInvariant(), ((string?)port?["protocol"] ?? "TCP").ToLowerInvariant(), (ushort)number));
        }
        return new ServiceSpec(name, ns, kind, [.. ips], [.. ports], externalName?.TrimEnd('.'),
            (bool?)spec?["publishNotReadyAddresses"] ?? false);
    }
}
