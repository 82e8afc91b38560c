using System.Net;

namespace Podway.Node.Streaming;

/// <summary>Where the kubelet's streaming server listens and the bearer token the API server must present.</summary>
public sealed record KubeletServerOptions
{
    /// <summary>In production the node IP (inside the node's network namespace).</summary>
    public required IPAddress Address { get; init; }
    /// <summary>10250 like the kubelet; 0 picks a free port (see KubeletServer.Port).</summary>
    public int Port { get; init; } = 10250;
    /// <summary>The only credential accepted: the API server's ApiServerOptions.KubeletToken.</summary>
    public required string Token { get; init; }
    /// <summary>Serves GET /metrics/resource when set.</summary>
    public IResourceMetricsSource? ResourceMetrics { get; init; }
}
