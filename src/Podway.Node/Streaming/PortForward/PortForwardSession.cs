using System.Net;
using System.Net.Sockets;
using System.Text;
using Podway.Node.Streaming.Spdy;

namespace Podway.Node.Streaming.PortForward;

/// <summary>
/// portforward.k8s.io over one SPDY connection: per request id the client opens an error stream and a data stream
/// (headers streamType, port, requestID); the data stream is bridged to a TCP connection to the Pod's IP and port.
/// The error stream is FIN'ed empty when the forward ends, or carries the kubelet's error text when it fails.
/// </summary>
internal sealed class PortForwardSession
{
    public const string Protocol = "portforward.k8s.io";
    static readonly TimeSpan PairTimeout = TimeSpan.FromSeconds(30);

    readonly Dictionary<string, Pair> _pairs = new();
    readonly Func<IPAddress?> _podIp;
    readonly string _podName;

    PortForwardSession(Func<IPAddress?> podIp, string podName)
    {
        _podIp = podIp;
        _podName = podName;
    }

    /// <summary>Serves the connection until the client goes away.</summary>
    public static async Task RunAsync(Stream transport, Func<IPAddress?> podIp, string podName, CancellationToken ct)
    {
        var session = new PortForwardSession(podIp, podName);
        await using var connection = new SpdyConnection(transport, session.OnStreamAsync);
        await connection.RunAsync(ct);
    }

    sealed class Pair
    {
        public SpdyStream? Error;
        public SpdyStream? Data;
        public readonly TaskCompletionSource Complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    async Task OnStreamAsync(SpdyStream stream)
    {
        var requestId = stream.Headers["requestid"] ?? stream.Id.ToString();
        Pair pair;
        bool first;
        lock (_pairs)
        {
            first = !_pairs.TryGetValue(requestId, out pair!);
            if (first) _pairs[requestId] = pair = new Pair();
            if (stream.Headers["streamtype"] == "error") pair.Error = stream; else pair.Data = stream;
            if (pair.Error != null && pair.Data != null) { _pairs.Remove(requestId); pair.Complete.TrySetResult(); }
        }
        if (!first) return; // the first stream of the pair runs the forward
        try { await pair.Complete.Task.WaitAsync(PairTimeout); }
        catch (TimeoutException)
        {
            lock (_pairs) _pairs.Remove(requestId);
            await stream.CloseWriteAsync();
            return;
        }
        await ForwardAsync(pair.Error!, pair.Data!);
    }

    async Task ForwardAsync(SpdyStream error, SpdyStream data)
    {
        _ = DrainAsync(error.Input); // the client FINs its side of the error stream at once
        var portText = data.Headers["port"] ?? "";
        string? failure = null;
        try
        {
            if (!ushort.TryParse(portText, out var port) || port == 0)
                failure = $"invalid port: \"{portText}\"";
            else if (_podIp() is not { } ip)
                failure = $"error forwarding port {port} to pod {_podName}, uid : pod has no IP address";
            else
            {
                using var tcp = new TcpClient(ip.AddressFamily);
                try { await tcp.ConnectAsync(ip, port); }
                catch (SocketException e)
                {
                    failure = $"error forwarding port {port} to pod {_podName}, uid : failed to connect to {ip}:{port}: dial tcp {ip}:{port}: connect: {e.Message.ToLowerInvariant()}";
                }
                if (failure == null) await BridgeAsync(tcp, data);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // the client or the backend went away mid-copy: nothing left to report
        }
        try
        {
            if (failure != null) await error.WriteAsync(Encoding.UTF8.GetBytes(failure));
            await error.CloseWriteAsync();
            await data.CloseWriteAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException) { }
    }

    /// <summary>Copies both ways; ends when the Pod side closes (then the data stream gets its FIN).</summary>
    static async Task BridgeAsync(TcpClient tcp, SpdyStream data)
    {
        var socket = tcp.GetStream();
        var toPod = Task.Run(async () =>
        {
            try
            {
                await data.Input.CopyToAsync(socket);
                tcp.Client.Shutdown(SocketShutdown.Send); // the local connection closed: half-close toward the Pod
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException) { }
        });
        var buffer = new byte[32 * 1024];
        int read;
        try
        {
            while ((read = await socket.ReadAsync(buffer)) > 0)
                await data.WriteAsync(buffer.AsMemory(0, read));
        }
        catch (Exception e) when (e is IOException or SocketException) { }
        await data.CloseWriteAsync();
        await Task.WhenAny(toPod, Task.Delay(100));
    }

    static async Task DrainAsync(Stream input)
    {
        try { await input.CopyToAsync(Stream.Null); } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }
}
