namespace Podway.Node.Kubelet;

/// <summary>
/// The kubelet's container restart back-off (client-go flowcontrol.Backoff keyed by pod and container): the first
/// restart is immediate; a container that exits again within the current delay of its last exit waits it out
/// (CrashLoopBackOff), the delay doubling from Initial to Max; an entry not touched for 2*Max is forgotten.
/// </summary>
internal sealed class CrashLoopBackOff(TimeSpan initial, TimeSpan max)
{
    sealed record Entry(TimeSpan Delay, DateTime LastUpdate);
    readonly Lock _gate = new();
    readonly Dictionary<string, Entry> _entries = [];

    public static string Key(string podUid, string container) => podUid + "/" + container;

    /// <summary>True while now is within the current delay after eventTime (the container's finishedAt).</summary>
    public bool IsInBackOffSince(string key, DateTime eventTime, DateTime now)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var e) || Expired(eventTime, e)) return false;
            return now - eventTime < e.Delay;
        }
    }

    public TimeSpan Get(string key)
    {
        lock (_gate) return _entries.TryGetValue(key, out var e) ? e.Delay : TimeSpan.Zero;
    }

    /// <summary>Records a restart at eventTime: the next delay doubles (or starts at Initial).</summary>
    public void Next(string key, DateTime eventTime)
    {
        lock (_gate)
        {
            _entries[key] = !_entries.TryGetValue(key, out var e) || Expired(eventTime, e)
                ? new Entry(initial, eventTime)
                : new Entry(TimeSpan.FromTicks(Math.Min(e.Delay.Ticks * 2, max.Ticks)), eventTime);
        }
    }

    public void Forget(string podUid)
    {
        lock (_gate)
            foreach (var k in _entries.Keys.Where(k => k.StartsWith(podUid + "/", StringComparison.Ordinal)).ToList())
                _entries.Remove(k);
    }

    bool Expired(DateTime eventTime, Entry e) => eventTime - e.LastUpdate > 2 * max;

    /// <summary>Go's time.Duration formatting for whole seconds and minutes: "10s", "5m0s".</summary>
    public static string Format(TimeSpan d) =>
        d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes}m{d.Seconds}s"
        : d.TotalSeconds >= 1 ? $"{d.TotalSeconds:0.###}s"
        : $"{d.TotalMilliseconds:0}ms";
}
