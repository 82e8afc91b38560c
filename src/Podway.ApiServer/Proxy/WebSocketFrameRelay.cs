using System.Buffers.Binary;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// The kubelet-to-client half of a WebSocket session: whole frames, one write (so one TLS record) each, as
/// kube-apiserver's own WebSocket writer sends them. Piping bytes as they come could put exec's final status and the
/// close frame into one TLS record, and a client that reads one frame per poll of its socket (the Python client)
/// would never see the close and hang.
/// </summary>
internal static class WebSocketFrameRelay
{
    public static async Task RunAsync(Stream from, Stream to, ReadOnlyMemory<byte> start)
    {
        var buffer = new byte[Math.Max(64 * 1024, start.Length)];
        start.CopyTo(buffer);
        var filled = start.Length;
        while (true)
        {
            var at = 0;
            while (FrameLength(buffer.AsSpan(at, filled - at)) is { } length && length <= filled - at)
            {
                await to.WriteAsync(buffer.AsMemory(at, (int)length));
                await to.FlushAsync();
                at += (int)length;
            }
            Buffer.BlockCopy(buffer, at, buffer, 0, filled - at);
            filled -= at;
            if (FrameLength(buffer.AsSpan(0, filled)) is { } needed && needed > buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(needed, int.MaxValue));
            var read = await from.ReadAsync(buffer.AsMemory(filled));
            if (read == 0)
            {
                if (filled > 0) await to.WriteAsync(buffer.AsMemory(0, filled)); // a truncated last frame, as it came
                await to.FlushAsync();
                return;
            }
            filled += read;
        }
    }

    /// <summary>The whole frame's length (RFC 6455 5.2) once its header is complete; null before.</summary>
    internal static long? FrameLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2) return null;
        var masked = (data[1] & 0x80) != 0;
        var length7 = data[1] & 0x7F;
        var (extended, payload) = length7 switch
        {
            126 when data.Length >= 4 => (2, (long)BinaryPrimitives.ReadUInt16BigEndian(data[2..])),
            127 when data.Length >= 10 => (8, (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..])),
            126 or 127 => (-1, 0L),
            _ => (0, (long)length7),
        };
        if (extended < 0) return null;
        return 2 + extended + (masked ? 4 : 0) + payload;
    }
}
