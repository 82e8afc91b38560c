namespace Podway.Dns.Zone;

internal enum ServiceKind { ClusterIP, Headless, ExternalName }

/// <summary>A named port as DNS sees it: `_name._proto`.</summary>
internal sealed record NamedPort(string Name, string Protocol, ushort Port);

/// <summary>One ready endpoint address of a headless Service, with the name it answers to.</summary>
internal sealed record EndpointRecord(string Hostname, string FullName, byte[] Address, NamedPort[] Ports);

/// <summary>
/// Everything DNS answers for one Service, rebuilt whole when the Service or one of its EndpointSlices changes and
/// swapped in atomically, so lookups read it without locks (CoreDNS's slim object view).
/// </summary>
internal sealed class ServiceRecords
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    /// <summary>"web.shop.svc.cluster.local".</summary>
    public required string FullName { get; init; }
    public required ServiceKind Kind { get; init; }
    public string? ExternalName { get; init; }
    /// <summary>ClusterIPs, or the ready endpoint addresses of a headless Service (deduplicated).</summary>
    public byte[][] V4 { get; init; } = [];
    public byte[][] V6 { get; init; } = [];
    /// <summary>Named ports of the Service (ClusterIP); headless endpoints carry their own (their slice's) ports.</summary>
    public NamedPort[] Ports { get; init; } = [];
    public EndpointRecord[] Endpoints { get; init; } = [];
    public Dictionary<string, EndpointRecord[]> ByHostname { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public bool HasAddresses => V4.Length + V6.Length > 0;
}
