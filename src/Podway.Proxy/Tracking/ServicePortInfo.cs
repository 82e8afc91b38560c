using System.Text.Json.Nodes;

namespace Podway.Proxy.Tracking;

/// <summary>
/// What the proxy needs of one port of one Service (kube-proxy's ServicePort): a slim, comparable view so a
/// Service update that changes nothing the rules use does not trigger work.
/// </summary>
internal sealed record ServicePortInfo
{
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required string PortName { get; init; }
    /// <summary>"tcp", "udp" or "sctp" (nft's spelling).</summary>
    public required string Protocol { get; init; }
    public required string ClusterIp { get; init; }
    public required int Port { get; init; }
    public int NodePort { get; init; }
    public EquatableList<string> ExternalIps { get; init; } = [];
    public EquatableList<string> LoadBalancerIps { get; init; } = [];
    public EquatableList<string> LoadBalancerSourceRanges { get; init; } = [];
    /// <summary>sessionAffinity ClientIP's timeoutSeconds, or null without affinity.</summary>
    public int? AffinitySeconds { get; init; }
    public bool ExternalPolicyLocal { get; init; }
    public bool InternalPolicyLocal { get; init; }
    public int HealthCheckNodePort { get; init; }

    public string ServiceKey => $"{Namespace}/{Name}";
    /// <summary>kube-proxy's "ns/name/proto/portname", the base of every chain name of this port.</summary>
    public string Id => $"{Namespace}/{Name}/{Protocol}/{PortName}";
    public bool ExternallyAccessible => NodePort > 0 || ExternalIps.Count > 0 || LoadBalancerIps.Count > 0;

    /// <summary>The ports of a Service the proxy programs; none for ExternalName, headless or non-IPv4 Services.</summary>
    public static IReadOnlyList<ServicePortInfo> FromService(JsonObject svc)
    {
        var meta = svc["metadata"] as JsonObject;
        var spec = svc["spec"] as JsonObject;
        if (meta is null || spec is null) return [];
        if ((string?)spec["type"] == "ExternalName") return [];
        var clusterIp = Strings(spec["clusterIPs"]).FirstOrDefault(IsIPv4) ?? (string?)spec["clusterIP"];
        if (clusterIp is null || !IsIPv4(clusterIp)) return [];
        var type = (string?)spec["type"] ?? "ClusterIP";
        var externallyRouted = type is "NodePort" or "LoadBalancer";
        int? affinity = (string?)spec["sessionAffinity"] == "ClientIP"
            ? (int?)spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"] ?? 10800
            : null;
        var lbIps = type == "LoadBalancer"
            ? (svc["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => (string?)i?["ip"]).OfType<string>().Where(IsIPv4).ToList()
            : [];
        var ports = new List<ServicePortInfo>();
        foreach (var p in spec["ports"] as JsonArray ?? [])
        {
            if (p is not JsonObject port || (int?)port["port"] is not int number) continue;
            ports.Add(new ServicePortInfo
            {
                Namespace = (string?)meta["namespace"] ?? "default",
                Name = (string?)meta["name"] ?? "",
                PortName = (string?)port["name"] ?? "",
                Protocol = ((string?)port["protocol"] ?? "TCP").ToLowerInvariant(),
                ClusterIp = clusterIp,
                Port = number,
                NodePort = externallyRouted ? (int?)port["nodePort"] ?? 0 : 0,
                ExternalIps = [.. Strings(spec["externalIPs"]).Where(IsIPv4)],
                LoadBalancerIps = [.. lbIps],
                LoadBalancerSourceRanges = [.. Strings(spec["loadBalancerSourceRanges"]).Where(r => r.Contains('.'))],
                AffinitySeconds = affinity,
                ExternalPolicyLocal = externallyRouted && (string?)spec["externalTrafficPolicy"] == "Local",
                InternalPolicyLocal = (string?)spec["internalTrafficPolicy"] == "Local",
                HealthCheckNodePort = (int?)spec["healthCheckNodePort"] ?? 0,
            });
        }
        return ports;
    }

    static IEnumerable<string> Strings(JsonNode? n) => (n as JsonArray ?? []).Select(x => (string?)x).OfType<string>();

    static bool IsIPv4(string ip) => System.Net.IPAddress.TryParse(ip, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
}

/// <summary>A list with value equality, so records holding lists compare by content.</summary>
internal sealed class EquatableList<T> : List<T>, IEquatable<EquatableList<T>>
{
    public EquatableList() { }
    public EquatableList(IEnumerable<T> items) : base(items) { }
    public bool Equals(EquatableList<T>? other) => other is not null && this.SequenceEqual(other);
    public override bool Equals(object? obj) => Equals(obj as EquatableList<T>);
    public override int GetHashCode() => Count;
}
