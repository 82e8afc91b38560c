namespace Podway.Proxy;

/// <summary>The node the proxy programs.</summary>
public sealed record ProxyNodeInfo
{
    public required string NodeName { get; init; }
    /// <summary>The node's IPv4 addresses: NodePorts answer on these.</summary>
    public required IReadOnlyList<string> NodeIps { get; init; }
    /// <summary>The cluster-wide Pod range: traffic from outside it is masqueraded (kube-proxy's --cluster-cidr).</summary>
    public required string ClusterPodCidr { get; init; }
    public string ServiceCidr { get; init; } = "10.96.0.0/12";
    /// <summary>The nft table (family ip), e.g. "podway-&lt;cluster&gt;"; never a table the host owns.</summary>
    public required string TableName { get; init; }
    /// <summary>
    /// Shard tables `TableName-sNN` the Services' DNAT rules are spread over (1..99): a partial sync commits to one
    /// shard, and the kernel re-validates only that shard's rules (see Rules/TableLayout).
    /// </summary>
    public int Shards { get; init; } = DefaultShards;
    public const int DefaultShards = 16;

    public static string TableFor(string clusterName) => $"podway-{clusterName}";
}
