using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Podway.Node.Streaming.Transport;

namespace Podway.Node.Streaming.PortForward;

/// <summary>
/// Port forwarding over WebSocket channels, what the client libraries use (kubelet's portforward/websocket.go;
/// Python's portforward, the C# client's WebSocketNamespacedPodPortForwardAsync): the ports come in the query
/// (`port`, as kube-apiserver passes them on, or `ports`); per port i, channel 2i carries its data both ways and
/// channel 2i+1 its errors; the first message on each channel is the port, uint16 little-endian. A message is the
/// channel byte and the data (v4.channel.k8s.io), or the channel digit and base64 text (v4.base64.channel.k8s.io).
/// The session ends when the client closes or every Pod connection has ended.
/// </summary>
internal static class WebSocketPortForward
{
    public const string Binary = "v4.channel.k8s.io", Base64 = "v4.base64.channel.k8s.io";
    public static readonly string[] Protocols = [Binary, Base64];

    /// <summary>The ports of the query; null with the kubelet's error text when they are missing or invalid.</summary>
    public static IReadOnlyList<ushort>? ParsePorts(IEnumerable<string?> values, out string? error)
    {
        var ports = new List<ushort>();
        foreach (var text in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!ushort.TryParse(text, out var port) || port == 0)
            {
                error = $"unable to parse \"{text}\" as a port: invalid port";
                return null;
            }
            ports.Add(port);
        }
        error = ports.Count == 0 ? "query parameter \"port\" is required" : null;
        return error is null ? ports : null;
    }

    public static async Task RunAsync(WebSocket socket, bool base64, IReadOnlyList<ushort> ports, Func<IPAddress?> podIp, string podName, CancellationToken ct)
    {
        using var sendLock = new SemaphoreSlim(1, 1);
        async Task SendAsync(int channel, ReadOnlyMemory<byte> data)
        {
            byte[] frame;
            if (base64)
                frame = Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data.Span));
            else
            {
                frame = new byte[data.Length + 1];
                frame[0] = (byte)channel;
                data.CopyTo(frame.AsMemory(1));
            }
            await sendLock.WaitAsync(CancellationToken.None);
            try { await socket.SendAsync(frame, base64 ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, CancellationToken.None); }
            finally { sendLock.Release(); }
        }

        var connections = new TcpClient?[ports.Count];
        try
        {
            var portBytes = new byte[2];
            for (var i = 0; i < ports.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(portBytes, ports[i]);
                await SendAsync(2 * i, portBytes);
                await SendAsync(2 * i + 1, portBytes);
            }
            var pumps = new List<Task>();
            for (var i = 0; i < ports.Count; i++)
            {
                var (tcp, failure) = await ConnectAsync(podIp(), ports[i], podName);
                connections[i] = tcp;
                if (failure is not null) { await SendAsync(2 * i + 1, Encoding.UTF8.GetBytes(failure)); continue; }
                var channel = 2 * i;
                pumps.Add(Task.Run(async () =>
                {
                    var buffer = new byte[32 * 1024];
                    int read;
                    try
                    {
                        while ((read = await tcp!.GetStream().ReadAsync(buffer, ct)) > 0)
                            await SendAsync(channel, buffer.AsMemory(0, read));
                    }
                    catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or WebSocketException) { }
                }, CancellationToken.None));
            }
            var receiving = ReceiveAsync(socket, base64, connections, ct);
            await Task.WhenAny(receiving, Task.WhenAll(pumps));
            if (!receiving.IsCompleted)
            {
                // Every Pod connection ended: close as the kubelet does once its streams are done.
                await sendLock.WaitAsync(CancellationToken.None);
                try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); }
                finally { sendLock.Release(); }
                await receiving.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or TimeoutException) { }
        finally
        {
            foreach (var c in connections) c?.Dispose();
        }
    }

    /// <summary>
    /// Client messages: data for channel 2i goes to port i's connection; anything else is ignored. Binary data goes on
    /// frame by frame (ChannelFrameReader); base64 messages are decoded whole.
    /// </summary>
    static async Task ReceiveAsync(WebSocket socket, bool base64, TcpClient?[] connections, CancellationToken ct)
    {
        var reader = new ChannelFrameReader(socket);
        var text = new MemoryStream();
        try
        {
            while (await reader.ReadAsync(ct) is var (channel, data, ended))
            {
                if (base64)
                {
                    text.Write(data.Span);
                    if (!ended) continue;
                    channel -= '0'; // the channel is a digit in the text protocol
                    try { data = Convert.FromBase64String(Encoding.ASCII.GetString(text.ToArray())); }
                    catch (FormatException) { continue; }
                    finally { text.SetLength(0); }
                }
                if (data.Length == 0 || channel < 0 || channel % 2 != 0 || channel / 2 >= connections.Length || connections[channel / 2] is not { } tcp) continue;
                try { await tcp.GetStream().WriteAsync(data, ct); }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException) { }
    }

    static async Task<(TcpClient? Tcp, string? Failure)> ConnectAsync(IPAddress? ip, ushort port, string podName)
    {
        if (ip is null) return (null, $"error forwarding port {port} to pod {podName}, uid : pod has no IP address");
        var tcp = new TcpClient(ip.AddressFamily);
        try
        {
            await tcp.ConnectAsync(ip, port);
            return (tcp, null);
        }
        catch (SocketException e)
        {
            tcp.Dispose();
            return (null, $"error forwarding port {port} to pod {podName}, uid : failed to connect to {ip}:{port}: dial tcp {ip}:{port}: connect: {e.Message.ToLowerInvariant()}");
        }
    }
}
