using System.Collections.Concurrent;
using System.Diagnostics;

namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// Per-client counters for one Ingress's limits: nginx's limit_req leaky bucket (the excess over the rate drains at the
/// rate; a request that would push it past the burst is refused; nodelay) and limit_conn's count of requests in
/// flight. Kept in a process-wide table by Ingress and settings, so a snapshot rebuild does not reset them.
/// </summary>
internal sealed class ClientLimiter
{
    static readonly ConcurrentDictionary<(IngressRef, double?, double, int?), ClientLimiter> All = new();

    readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, StrongBox<int>> _inFlight = new(StringComparer.Ordinal);
    readonly double? _rate;
    readonly double _burst;
    readonly int? _connections;

    ClientLimiter(double? rate, double burst, int? connections) => (_rate, _burst, _connections) = (rate, burst, connections);

    public static ClientLimiter For(IngressRef ingress, RateLimits limits) =>
        All.GetOrAdd((ingress, limits.RequestsPerSecond, limits.Burst, limits.Connections),
            _ => new ClientLimiter(limits.RequestsPerSecond, limits.Burst, limits.Connections));

    sealed class Bucket
    {
        public double Excess;
        public long Last;
    }

    /// <summary>limit_req: false when the request is over the rate and burst.</summary>
    public bool TryRequest(string client)
    {
        if (_rate is not { } rate) return true;
        if (_buckets.Count > 50_000) Sweep();
        var bucket = _buckets.GetOrAdd(client, _ => new Bucket { Last = Stopwatch.GetTimestamp(), Excess = -1 });
        lock (bucket)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(bucket.Last, now).TotalSeconds;
            // The first request of a client starts an empty bucket (excess 0 after it), as nginx's new node.
            var excess = bucket.Excess < 0 ? 0 : Math.Max(0, bucket.Excess - rate * elapsed + 1);
            if (excess > _burst) return false;
            bucket.Excess = excess;
            bucket.Last = now;
            return true;
        }
    }

    /// <summary>limit_conn: a lease on one of the client's slots, or null when all are taken.</summary>
    public Lease? TryEnter(string client)
    {
        if (_connections is not { } max) return Lease.None;
        var count = _inFlight.GetOrAdd(client, _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) > max)
        {
            Interlocked.Decrement(ref count.Value);
            return null;
        }
        return new Lease(count);
    }

    void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (client, bucket) in _buckets)
            if (Stopwatch.GetElapsedTime(bucket.Last, now) > TimeSpan.FromMinutes(1)) _buckets.TryRemove(client, out _);
    }

    /// <summary>A request in flight; disposing it frees the slot.</summary>
    public sealed class Lease(StrongBox<int>? count) : IDisposable
    {
        public static readonly Lease None = new(null);
        public void Dispose() { if (count is not null) Interlocked.Decrement(ref count.Value); }
    }

    internal sealed class StrongBox<T> { public T Value = default!; }
}
