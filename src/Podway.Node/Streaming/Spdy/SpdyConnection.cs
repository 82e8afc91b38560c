using System.Collections.Concurrent;

namespace Podway.Node.Streaming.Spdy;

/// <summary>
/// The server side of a SPDY/3.1 connection as the kubelet runs it: the client opens every stream, each gets a
/// SYN_REPLY at once and is handed to the caller; PINGs are echoed; flow control is not used (spdystream ignores it).
/// </summary>
internal sealed class SpdyConnection : IAsyncDisposable
{
    readonly Stream _transport;
    readonly SpdyFramer _framer = new();
    readonly SemaphoreSlim _writeLock = new(1, 1);
    readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    readonly Func<SpdyStream, Task> _onStream;
    readonly CancellationTokenSource _closed = new();
    uint _lastStreamId;

    public SpdyConnection(Stream transport, Func<SpdyStream, Task> onStream)
    {
        _transport = transport;
        _onStream = onStream;
    }

    /// <summary>Cancelled when the connection ends (peer closed, GOAWAY, or a read error).</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Reads frames until the peer goes away. Stream handlers run concurrently.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        try
        {
            while (await _framer.ReadAsync(_transport, linked.Token) is { } frame)
            {
                switch (frame)
                {
                    case SynStreamFrame syn:
                        var stream = new SpdyStream(this, syn.StreamId, syn.Headers);
                        if (!_streams.TryAdd(syn.StreamId, stream))
                        {
                            await SendAsync(new RstStreamFrame(syn.StreamId, RstStatus.StreamInUse), linked.Token);
                            break;
                        }
                        _lastStreamId = syn.StreamId;
                        await SendAsync(new SynReplyFrame(syn.StreamId, false, SpdyHeaders.Empty), linked.Token);
                        if (syn.Fin) stream.EndInput();
                        _ = Task.Run(() => _onStream(stream), CancellationToken.None);
                        break;
                    case DataFrame data when _streams.TryGetValue(data.StreamId, out var target):
                        await target.DeliverAsync(data.Data, data.Fin);
                        break;
                    case RstStreamFrame rst when _streams.TryRemove(rst.StreamId, out var reset):
                        reset.EndInput();
                        break;
                    case PingFrame ping:
                        await SendAsync(ping, linked.Token);
                        break;
                    case GoAwayFrame:
                        return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.WebSockets.WebSocketException) { }
        finally
        {
            foreach (var s in _streams.Values) s.EndInput();
            _closed.Cancel();
        }
    }

    public async Task SendAsync(SpdyFrame frame, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            // Encoding happens under the lock: header compression state must follow wire order.
            var bytes = _framer.Encode(frame);
            await _transport.WriteAsync(bytes, ct);
            await _transport.FlushAsync(ct);
        }
        finally { _writeLock.Release(); }
    }

    /// <summary>Tells the peer we are done (GOAWAY with the last stream we accepted), best effort.</summary>
    public async Task GoAwayAsync()
    {
        try { await SendAsync(new GoAwayFrame(_lastStreamId, 0)); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _closed.Cancel();
        await _writeLock.WaitAsync();
        _framer.Dispose();
        _writeLock.Release();
    }
}
