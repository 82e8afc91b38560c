using Podway.ApiServer;

namespace Podway;

/// <summary>Everything one cluster's control plane process runs with: the API server's settings and the cluster network.</summary>
public sealed record ControlPlaneOptions
{
    public required ApiServerOptions Api { get; init; }
    /// <summary>The cluster's node network on the host bridge, e.g. 10.250.0.0/24 (the host is .1).</summary>
    public required string NodeCidr { get; init; }
    /// <summary>The cluster's Pod range, e.g. 10.244.0.0/16, a /24 per node.</summary>
    public required string PodCidr { get; init; }
    public const int DefaultNodes = 1;
    public int Nodes { get; init; } = DefaultNodes;
    /// <summary>
    /// The host resolv.conf whose resolvers the node resolver (the host DNS relay) forwards to, as the kubelet's
    /// --resolv-conf; empty: none (names outside the cluster get SERVFAIL at once).
    /// </summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";
    /// <summary>The podway executable the node agents are started from.</summary>
    public string PodwayExecutable { get; init; } = Environment.ProcessPath ?? "podway";
}
