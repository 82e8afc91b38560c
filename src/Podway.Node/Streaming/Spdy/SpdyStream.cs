using System.IO.Pipelines;
using Podway.Node.Streaming.Transport;

namespace Podway.Node.Streaming.Spdy;

/// <summary>One SPDY stream the peer opened: its headers, what the peer sends on it, and a way to send back.</summary>
internal sealed class SpdyStream
{
    readonly SpdyConnection _connection;
    readonly Pipe _incoming = new(new PipeOptions(pauseWriterThreshold: 0));
    int _writeClosed;

    public SpdyStream(SpdyConnection connection, uint id, SpdyHeaders headers)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
        Input = _incoming.Reader.AsStream();
    }

    public uint Id { get; }
    public SpdyHeaders Headers { get; }
    /// <summary>The bytes the peer sends; ends when the peer half-closes (FIN) or resets the stream.</summary>
    public Stream Input { get; }
    public bool WriteClosed => Volatile.Read(ref _writeClosed) != 0;

    internal async Task DeliverAsync(byte[] data, bool fin)
    {
        if (data.Length > 0) await _incoming.Writer.WriteAsync(data);
        if (fin) await _incoming.Writer.CompleteAsync();
    }

    internal void EndInput() => _incoming.Writer.Complete();

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        for (var offset = 0; offset < data.Length; offset += 64 * 1024)
        {
            if (WriteClosed) throw new IOException($"SPDY stream {Id} is closed for writing");
            var chunk = data.Slice(offset, Math.Min(64 * 1024, data.Length - offset)).ToArray();
            await _connection.SendAsync(new DataFrame(Id, false, chunk), ct);
        }
    }

    /// <summary>Half-closes our side with an empty DATA frame carrying FIN (spdystream's Stream.Close).</summary>
    public Task CloseWriteAsync(CancellationToken ct = default) =>
        Interlocked.Exchange(ref _writeClosed, 1) == 0 ? _connection.SendAsync(new DataFrame(Id, true, []), ct) : Task.CompletedTask;

    /// <summary>A write-only Stream over this SPDY stream (for CopyToAsync and StreamWriter).</summary>
    public Stream AsWriteStream() => new WriteOnlyStream(WriteAsync);
}
