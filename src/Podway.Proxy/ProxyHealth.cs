using System.Globalization;
using Podway.Proxy.Metrics;

namespace Podway.Proxy;

/// <summary>
/// kube-proxy's proxier health server (pkg/proxy/healthcheck/proxy_health.go), served on :10256: `/healthz` and
/// `/livez` answer 200 while every change the proxy was told of reached the kernel within the health timeout (two
/// sync periods, as kube-proxy sets it), 503 once a queued change waited longer. The node is always eligible here
/// (kube-proxy also answers 503 on /healthz for a node being deleted or tainted ToBeDeletedByClusterAutoscaler).
/// </summary>
internal sealed class ProxyHealth(TimeSpan healthTimeout, Func<DateTimeOffset> now)
{
    readonly Lock _gate = new();
    DateTimeOffset? _oldestPendingQueued;
    DateTimeOffset? _lastUpdated;

    /// <summary>A change arrived that the kernel does not have yet (kept only if none is pending already).</summary>
    public void QueuedUpdate()
    {
        lock (_gate) _oldestPendingQueued ??= now();
    }

    /// <summary>A sync reached the kernel: nothing is pending.</summary>
    public void Updated()
    {
        lock (_gate)
        {
            _oldestPendingQueued = null;
            _lastUpdated = now();
        }
    }

    public TinyHttpServer.Response Answer(string path)
    {
        var route = path.Split('?')[0];
        if (route is not ("/healthz" or "/livez")) return new(404, "text/plain", "404 page not found\n");
        DateTimeOffset? pending, lastUpdated;
        lock (_gate) (pending, lastUpdated) = (_oldestPendingQueued, _lastUpdated);
        var current = now();
        var healthy = pending is not { } queued || current - queued < healthTimeout;
        // As kube-proxy: a healthy answer reports lastUpdated as now (older releases' meaning of the field).
        var updated = healthy ? current : lastUpdated;
        var body = route == "/healthz"
            ? $$"""{"lastUpdated": "{{GoTime(updated)}}","currentTime": "{{GoTime(current)}}", "nodeEligible": true}"""
            : $$"""{"lastUpdated": "{{GoTime(updated)}}","currentTime": "{{GoTime(current)}}"}""";
        return new(healthy ? 200 : 503, "application/json", body, new Dictionary<string, string> { ["X-Content-Type-Options"] = "nosniff" });
    }

    /// <summary>Go's time.Time String() in UTC ("2026-12-07 09:50:01.123456 +0000 UTC"); its zero time when never set.</summary>
    static string GoTime(DateTimeOffset? t)
    {
        if (t is not { } time) return "0001-01-01 00:00:00 +0000 UTC";
        var utc = time.UtcDateTime;
        var fraction = utc.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + " +0000 UTC";
    }
}
