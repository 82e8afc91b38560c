using System.Threading.Channels;

namespace Podway.Edge.Serving;

/// <summary>
/// "The snapshot changed", coalesced: any number of <see cref="Changed"/> calls while a sync runs lead to one more
/// sync, never a queue of them. The Gateway port servers (HTTP and L4) open and close their ports on it.
/// </summary>
public sealed class ChangeSignal
{
    readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Cheap; the work happens in <see cref="RunAsync"/>.</summary>
    public void Changed() => _changed.Writer.TryWrite(true);

    /// <summary>Runs <paramref name="sync"/> once now and once after each change, until cancelled.</summary>
    public async Task RunAsync(Func<Task> sync, CancellationToken ct)
    {
        Changed();
        try
        {
            while (await _changed.Reader.WaitToReadAsync(ct))
            {
                _changed.Reader.TryRead(out _);
                await sync();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
