namespace Podway.Proxy.Flows;

/// <summary>
/// One connection (or DNS question) a node saw, named as it was when it happened: the Pods by "namespace/name", the
/// Service by "namespace/name:port". Destination is what the client asked for (a Service address, before DNAT);
/// Backend is where it went (the endpoint, after DNAT) when the kernel knows.
/// </summary>
public sealed record FlowRecord
{
    public required long Seq { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string Node { get; init; }
    /// <summary>forwarded, dropped or rejected.</summary>
    public required string Verdict { get; init; }
    /// <summary>Who dropped it ("NetworkPolicy shop/deny-all ingress") or why it was rejected ("no endpoints").</summary>
    public string? Reason { get; init; }
    public required string Protocol { get; init; }
    public required string SourceIp { get; init; }
    public int SourcePort { get; init; }
    public string? SourcePod { get; init; }
    public required string DestinationIp { get; init; }
    public int DestinationPort { get; init; }
    public string? Service { get; init; }
    public string? BackendIp { get; init; }
    public int BackendPort { get; init; }
    public string? DestinationPod { get; init; }
    /// <summary>"A web.shop.svc.cluster.local." for a DNS question.</summary>
    public string? DnsQuery { get; init; }

    public const string Forwarded = "forwarded", Dropped = "dropped", Rejected = "rejected";
}
