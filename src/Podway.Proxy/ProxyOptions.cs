using System.Net;
using Podway.Proxy.Nft;

namespace Podway.Proxy;

public sealed record ProxyOptions
{
    /// <summary>At most one sync per interval (kube-proxy nftables' --min-sync-period defaults to 1s).</summary>
    public TimeSpan MinSyncInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>At least one sync per interval even without changes (--sync-period, 30s).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Where /metrics is served (kube-proxy: --metrics-bind-address, port 10249); null for none.</summary>
    public IPEndPoint? MetricsEndpoint { get; init; }
    /// <summary>Where /healthz and /livez are served (kube-proxy: --healthz-bind-address, 0.0.0.0:10256); null for none.</summary>
    public IPEndPoint? HealthzEndpoint { get; init; }
    /// <summary>Address the healthCheckNodePort servers bind (kube-proxy binds all addresses of the node).</summary>
    public IPAddress HealthCheckAddress { get; init; } = IPAddress.Any;
    /// <summary>The nftables to program; the kernel (`nft` in the current network namespace) when null.</summary>
    public INftables? Nftables { get; init; }
    public Action<string>? Log { get; init; }
}
