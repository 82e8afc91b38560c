using System.Globalization;
using System.Text;

namespace Podway.Proxy.Metrics;

/// <summary>kube-proxy's sync metrics (pkg/proxy/metrics), with the same names, help and buckets.</summary>
public sealed class ProxyMetrics
{
    public Histogram SyncProxyRulesDuration { get; } = new("kubeproxy_sync_proxy_rules_duration_seconds",
        "SyncProxyRules latency in seconds", Histogram.Exponential(0.001, 2, 15));
    public Histogram SyncFullProxyRulesDuration { get; } = new("kubeproxy_sync_full_proxy_rules_duration_seconds",
        "SyncProxyRules latency in seconds for full resyncs", Histogram.Exponential(0.001, 2, 15));
    public Histogram SyncPartialProxyRulesDuration { get; } = new("kubeproxy_sync_partial_proxy_rules_duration_seconds",
        "SyncProxyRules latency in seconds for partial resyncs", Histogram.Exponential(0.001, 2, 15));
    /// <summary>From a change's trigger time (EndpointSlice annotation) to its rules being in the kernel.</summary>
    public Histogram NetworkProgrammingDuration { get; } = new("kubeproxy_network_programming_duration_seconds",
        "In Cluster Network Programming Latency in seconds",
        [.. Histogram.Linear(0.25, 0.25, 2), .. Histogram.Linear(1, 1, 59), .. Histogram.Linear(60, 5, 12), .. Histogram.Linear(120, 30, 7)]);

    long _syncFailures;
    long _lastSyncUnixSeconds;

    public void RecordFailure() => Interlocked.Increment(ref _syncFailures);
    public void RecordSuccess(DateTimeOffset when) => Interlocked.Exchange(ref _lastSyncUnixSeconds, when.ToUnixTimeSeconds());

    /// <summary>More metrics served on the same endpoint (the node's NetworkPolicy counters).</summary>
    public Action<StringBuilder>? Extra { get; set; }

    public string Render()
    {
        var sb = new StringBuilder();
        SyncProxyRulesDuration.WriteTo(sb);
        SyncFullProxyRulesDuration.WriteTo(sb);
        SyncPartialProxyRulesDuration.WriteTo(sb);
        NetworkProgrammingDuration.WriteTo(sb);
        sb.Append("# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds The last time proxy rules were successfully synced\n");
        sb.Append("# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge\n");
        sb.Append("kubeproxy_sync_proxy_rules_last_timestamp_seconds ").Append(Interlocked.Read(ref _lastSyncUnixSeconds).ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("# HELP kubeproxy_proxy_syncs_failed_total Cumulative proxy iptables/nftables restore failures\n");
        sb.Append("# TYPE kubeproxy_proxy_syncs_failed_total counter\n");
        sb.Append("kubeproxy_proxy_syncs_failed_total ").Append(Interlocked.Read(ref _syncFailures).ToString(CultureInfo.InvariantCulture)).Append('\n');
        Extra?.Invoke(sb);
        return sb.ToString();
    }
}
