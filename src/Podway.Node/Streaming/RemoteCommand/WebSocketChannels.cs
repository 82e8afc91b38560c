using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Node.Streaming.Transport;

namespace Podway.Node.Streaming.RemoteCommand;

/// <summary>
/// The channel.k8s.io WebSocket protocols (v4 and v5): binary messages whose first byte is the channel
/// (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close: v5 only, `FF 00` is stdin EOF).
/// A receive loop runs for the whole session so the client's pings get their pongs.
/// </summary>
internal sealed class WebSocketChannels : RemoteCommandChannels
{
    public const string V5 = "v5.channel.k8s.io", V4 = "v4.channel.k8s.io";
    public static readonly string[] Protocols = [V5, V4];
    const byte StdinChannel = 0, StdoutChannel = 1, StderrChannel = 2, ErrorChannel = 3, ResizeChannel = 4, CloseChannel = 255;

    readonly WebSocket _socket;
    readonly SemaphoreSlim _sendLock = new(1, 1);
    readonly Pipe? _stdin;
    readonly CancellationTokenSource _gone = new();
    readonly Task _receiving;

    public WebSocketChannels(WebSocket socket, RemoteCommandOptions options)
    {
        _socket = socket;
        if (options.Stdin) _stdin = new Pipe();
        Stdin = _stdin?.Reader.AsStream();
        Stdout = options.Stdout ? ChannelStream(StdoutChannel) : null;
        Stderr = options.Stderr ? ChannelStream(StderrChannel) : null;
        _receiving = ReceiveLoopAsync();
    }

    public override Stream? Stdin { get; }
    public override Stream? Stdout { get; }
    public override Stream? Stderr { get; }
    public override CancellationToken ClientGone => _gone.Token;

    /// <summary>Stdin is passed on frame by frame (ChannelFrameReader); resize and close messages are small and taken whole.</summary>
    async Task ReceiveLoopAsync()
    {
        var reader = new ChannelFrameReader(_socket);
        var control = new MemoryStream();
        try
        {
            while (await reader.ReadAsync(CancellationToken.None) is var (channel, data, ended))
            {
                if (channel == StdinChannel)
                {
                    if (_stdin != null && data.Length > 0) await _stdin.Writer.WriteAsync(data);
                    continue;
                }
                control.Write(data.Span);
                if (!ended) continue;
                var message = control.ToArray();
                control.SetLength(0);
                switch (channel)
                {
                    case ResizeChannel:
                        Resize(Encoding.UTF8.GetString(message));
                        break;
                    case CloseChannel when message.Length > 0 && message[0] == StdinChannel:
                        _stdin?.Writer.Complete();
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { }
        finally
        {
            _stdin?.Writer.Complete();
            _gone.Cancel();
        }
    }

    WriteOnlyStream ChannelStream(byte channel) => new((data, _) => SendAsync(channel, data));

    async Task SendAsync(byte channel, ReadOnlyMemory<byte> data)
    {
        var frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame.AsMemory(1));
        await _sendLock.WaitAsync();
        try { await _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    public override async Task FinishAsync(JsonObject status)
    {
        try
        {
            await SendAsync(ErrorChannel, Encoding.UTF8.GetBytes(status.ToJsonString()));
            await _sendLock.WaitAsync();
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); }
            finally { _sendLock.Release(); }
            await _receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or TimeoutException) { }
    }

    public override async ValueTask DisposeAsync()
    {
        _socket.Abort();
        try { await _receiving; } catch (Exception e) when (e is WebSocketException or IOException) { }
        _socket.Dispose();
    }
}
