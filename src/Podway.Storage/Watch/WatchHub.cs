namespace Podway.Storage.Watch;

/// <summary>
/// Publishes committed batches to history and watchers. One lock covers making a batch visible, appending
/// it to history and fanning it out, and also a new watcher's history replay plus registration, so a
/// watcher sees every event after its revision exactly once, in order, however writes race with it.
/// </summary>
internal sealed class WatchHub(StoreOptions options, long startRevision)
{
    private readonly Lock _gate = new();
    private readonly EventHistory _history = new(
        options.HistoryMinEvents, options.HistoryMinAge, options.HistoryMaxEvents, options.TimeProvider, startRevision);
    private readonly List<WatchSubscription> _watchers = [];
    private long _revision = startRevision;
    private bool _closed;

    /// <summary>Makes a committed batch visible (via <paramref name="makeVisible"/>) and delivers its events.</summary>
    public void Publish(IReadOnlyList<WatchEvent> events, long revision, Action makeVisible)
    {
        lock (_gate)
        {
            makeVisible();
            _revision = revision;
            foreach (var ev in events) _history.Append(ev);
            for (int w = _watchers.Count - 1; w >= 0; w--)
            {
                var watcher = _watchers[w];
                foreach (var ev in events)
                {
                    if (!watcher.Filter.Matches(ev)) continue;
                    if (!watcher.TryDeliver(ev)) { _watchers.RemoveAt(w); break; }
                }
            }
        }
    }

    public IWatchSubscription Subscribe(string resource, string? ns, long fromRevision)
    {
        lock (_gate)
        {
            long from = fromRevision == 0 ? _revision : fromRevision;
            if (from < _history.Floor) throw new StoreExpiredException(from, _history.Floor);
            var filter = new WatchFilter(resource, ns, from);
            var replay = _history.Since(from, filter.Matches);
            var watcher = new WatchSubscription(filter, replay, options.WatchBufferSize, Unsubscribe);
            if (_closed) watcher.Close();
            else _watchers.Add(watcher);
            return watcher;
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var watcher in _watchers) watcher.Close();
            _watchers.Clear();
        }
    }

    internal int HistoryCount { get { lock (_gate) return _history.Count; } }

    private void Unsubscribe(WatchSubscription watcher)
    {
        lock (_gate) _watchers.Remove(watcher);
    }
}
