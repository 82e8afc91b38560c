using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Edge.Addon;

/// <summary>
/// ingress-nginx's /healthz on :10254 for the kubelet's readiness and liveness probes: 200 "ok" while
/// <paramref name="healthy"/> says so (the routing feed has synced), else 503. Any path answers; one request per
/// connection. Raw sockets, so the probe never competes with the edge's own Kestrel listeners.
/// </summary>
internal sealed class HealthEndpoint(int port, Func<bool> healthy) : IDisposable
{
    readonly Socket _listener = Listen(port);

    static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        socket.Listen(64);
        return socket;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket connection;
            try { connection = await _listener.AcceptAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            _ = AnswerAsync(connection, ct);
        }
    }

    async Task AnswerAsync(Socket connection, CancellationToken ct)
    {
        using (connection)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                var buffer = new byte[4096];
                int read = 0;
                while (read < buffer.Length)
                {
                    var n = await connection.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
                    if (n == 0) break;
                    read += n;
                    if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0) break;
                }
                var ok = healthy();
                var body = ok ? "ok" : "not synced";
                var head = $"HTTP/1.1 {(ok ? "200 OK" : "503 Service Unavailable")}\r\nContent-Type: text/plain; charset=utf-8\r\n" +
                           $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await connection.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException) { }
        }
    }

    public void Dispose() => _listener.Dispose();
}
