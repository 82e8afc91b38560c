namespace Podway.Node.Streaming.Transport;

/// <summary>
/// A write-only Stream over a send function: what a container's stdout or stderr is copied into, for a channel of
/// a WebSocket (v4/v5 channel protocol) or a SPDY stream alike.
/// </summary>
internal sealed class WriteOnlyStream(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => send(buffer.AsMemory(offset, count), CancellationToken.None).GetAwaiter().GetResult();
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => new(send(buffer, ct));
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => send(buffer.AsMemory(offset, count), ct);
}
