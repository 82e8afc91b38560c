using Podway.ApiServer.Proxy;

namespace Podway.ApiServer.Tests.Proxy;

public sealed class WebSocketFrameRelayTests
{
    /// <summary>Records each write separately (as each becomes one TLS record on the client's connection).</summary>
    sealed class WriteRecorder : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Hands out its bytes in the given pieces, as TCP reads would.</summary>
    sealed class Pieces(params byte[][] pieces) : Stream
    {
        int _next;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_next == pieces.Length) return ValueTask.FromResult(0);
            var piece = pieces[_next++];
            piece.CopyTo(buffer);
            return ValueTask.FromResult(piece.Length);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    static byte[] Frame(byte opcode, int payload)
    {
        var header = payload switch
        {
            < 126 => new byte[] { (byte)(0x80 | opcode), (byte)payload },
            < 65536 => [(byte)(0x80 | opcode), 126, (byte)(payload >> 8), (byte)payload],
            _ => [(byte)(0x80 | opcode), 127, 0, 0, 0, 0, (byte)(payload >> 24), (byte)(payload >> 16), (byte)(payload >> 8), (byte)payload],
        };
        return [.. header, .. Enumerable.Repeat((byte)'x', payload)];
    }

    [Fact]
    public async Task StatusAndCloseInOneRead_AreWrittenAsTwoWrites()
    {
        var status = Frame(0x2, 90);
        var close = Frame(0x8, 2);
        var to = new WriteRecorder();
        await WebSocketFrameRelay.RunAsync(new Pieces([.. status, .. close]), to, ReadOnlyMemory<byte>.Empty);
        Assert.Equal([status, close], to.Writes);
    }

    [Fact]
    public async Task FramesSplitAcrossReads_AndBytesThatCameWithTheHandshake_KeepTheirBoundaries()
    {
        var small = Frame(0x2, 3);
        var medium = Frame(0x2, 300);
        var large = Frame(0x2, 70_000); // longer than the first buffer: it grows
        byte[] all = [.. small, .. medium, .. large];
        var to = new WriteRecorder();
        await WebSocketFrameRelay.RunAsync(new Pieces(all[2..5], all[5..400], all[400..]), to, all[..2]);
        Assert.Equal([small, medium, large], to.Writes);
    }

    [Fact]
    public async Task ATruncatedLastFrame_IsPassedOnAsItCame()
    {
        var whole = Frame(0x1, 10);
        var cut = Frame(0x1, 10)[..5];
        var to = new WriteRecorder();
        await WebSocketFrameRelay.RunAsync(new Pieces([.. whole, .. cut]), to, ReadOnlyMemory<byte>.Empty);
        Assert.Equal([whole, cut], to.Writes);
    }
}
