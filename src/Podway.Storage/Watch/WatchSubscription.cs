using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Podway.Storage.Watch;

/// <summary>
/// One watcher: the replayed history it subscribed with, then live events through a bounded buffer. The
/// writer only ever TryWrites, so a slow reader cannot stall it; overflow ends this watcher with
/// WatchOverflowException after the events it already has.
/// </summary>
internal sealed class WatchSubscription : IWatchSubscription
{
    private readonly Channel<WatchEvent> _live;
    private readonly IReadOnlyList<WatchEvent> _replay;
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly int _capacity;

    public WatchSubscription(WatchFilter filter, IReadOnlyList<WatchEvent> replay, int capacity, Action<WatchSubscription> unsubscribe)
    {
        Filter = filter;
        _replay = replay;
        _capacity = capacity;
        _unsubscribe = unsubscribe;
        _live = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public WatchFilter Filter { get; }

    /// <summary>Queues a live event; false when the buffer was full and this watcher has been ended.</summary>
    public bool TryDeliver(WatchEvent ev)
    {
        if (_live.Writer.TryWrite(ev)) return true;
        _live.Writer.TryComplete(new WatchOverflowException(Filter.Resource, Filter.Namespace, _capacity));
        return false;
    }

    public void Close() => _live.Writer.TryComplete();

    public async IAsyncEnumerable<WatchEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var ev in _replay)
        {
            ct.ThrowIfCancellationRequested();
            yield return ev;
        }
        await foreach (var ev in _live.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            yield return ev;
    }

    public void Dispose()
    {
        _unsubscribe(this);
        Close();
    }
}
