namespace Podway.Storage.Watch;

/// <summary>
/// Recent committed events in revision order (a growable ring). Keeps the newest <c>minEvents</c> and every
/// event younger than <c>minAge</c>, whichever is more, capped at <c>maxEvents</c>. Not thread-safe: the
/// WatchHub's lock guards it.
/// </summary>
internal sealed class EventHistory(int minEvents, TimeSpan minAge, int maxEvents, TimeProvider clock, long startRevision)
{
    private (WatchEvent Event, long Timestamp)[] _ring = new (WatchEvent, long)[1024];
    private int _head;
    private int _count;

    /// <summary>
    /// The oldest revision a watch may start from: every event after it is still kept. Starts at the revision
    /// the store opened at (history before a restart is gone) and rises as old events are dropped.
    /// </summary>
    public long Floor { get; private set; } = startRevision;

    public int Count => _count;

    public void Append(WatchEvent ev)
    {
        if (_count == _ring.Length) Grow();
        _ring[(_head + _count) % _ring.Length] = (ev, clock.GetTimestamp());
        _count++;
        Trim();
    }

    /// <summary>Kept events with revision greater than <paramref name="fromRevision"/> that pass <paramref name="match"/>.</summary>
    public List<WatchEvent> Since(long fromRevision, Func<WatchEvent, bool> match)
    {
        var found = new List<WatchEvent>();
        for (int i = FirstAfter(fromRevision); i < _count; i++)
        {
            var ev = At(i).Event;
            if (match(ev)) found.Add(ev);
        }
        return found;
    }

    private int FirstAfter(long revision)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (At(mid).Event.Object.Revision <= revision) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    private void Trim()
    {
        long now = clock.GetTimestamp();
        while (_count > 0 && (_count > maxEvents || (_count > minEvents && clock.GetElapsedTime(At(0).Timestamp, now) > minAge)))
        {
            Floor = At(0).Event.Object.Revision;
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
        }
    }

    private ref (WatchEvent Event, long Timestamp) At(int i) => ref _ring[(_head + i) % _ring.Length];

    private void Grow()
    {
        var bigger = new (WatchEvent, long)[_ring.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = At(i);
        _ring = bigger;
        _head = 0;
    }
}
