namespace Podway.Proxy.Rules;

/// <summary>Everything the proxy's table holds for one Service: its chains, map/set elements and affinity sets.</summary>
internal sealed class RenderedService
{
    /// <summary>Chain name to rules, in creation order.</summary>
    public Dictionary<string, List<string>> Chains { get; } = new(StringComparer.Ordinal);
    /// <summary>(set or map, key) to value (null for set elements).</summary>
    public Dictionary<(string Set, string Key), string?> Elements { get; } = new();
    /// <summary>Affinity set name to timeout in seconds.</summary>
    public Dictionary<string, int> AffinitySets { get; } = new(StringComparer.Ordinal);
    /// <summary>Ready (or else serving-terminating) endpoints on this node, per healthCheckNodePort.</summary>
    public Dictionary<int, int> HealthCheckLocalEndpoints { get; } = [];
    /// <summary>UDP ports with their endpoints, so a later sync can flush conntrack of endpoints that went away.</summary>
    public List<(Tracking.ServicePortInfo Port, IReadOnlyList<Tracking.EndpointInfo> Endpoints)> UdpPorts { get; } = [];
}
