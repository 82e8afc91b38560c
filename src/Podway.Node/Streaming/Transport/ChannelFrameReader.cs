using System.Net.WebSockets;

namespace Podway.Node.Streaming.Transport;

/// <summary>
/// Reads a channel.k8s.io WebSocket frame by frame, as Go's websocket reader hands data on: a client may never end a
/// message (the C# client sends every write as a fragment), so the first byte of a message's first frame names the
/// channel of it and of its continuations. Data is valid until the next read.
/// </summary>
internal sealed class ChannelFrameReader(WebSocket socket)
{
    readonly byte[] _buffer = new byte[64 * 1024];
    int _channel = -1; // of the message being received; -1 at a message boundary

    /// <summary>The next frame: its message's channel byte (-1 if the message began empty), its data, whether it ends the message; null at Close.</summary>
    public async Task<(int Channel, ReadOnlyMemory<byte> Data, bool EndOfMessage)?> ReadAsync(CancellationToken ct)
    {
        var result = await socket.ReceiveAsync(_buffer, ct);
        if (result.MessageType == WebSocketMessageType.Close) return null;
        var start = 0;
        if (_channel < 0 && result.Count > 0) { _channel = _buffer[0]; start = 1; }
        var channel = _channel;
        if (result.EndOfMessage) _channel = -1;
        return (channel, _buffer.AsMemory(start, result.Count - start), result.EndOfMessage);
    }
}
