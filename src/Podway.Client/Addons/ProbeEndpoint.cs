using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Client.Addons;

/// <summary>
/// A tiny HTTP/1.1 responder for the kubelet's probes of podway's add-on Pods (the DNS Pods' :8181/ready and
/// :8080/health, the edge's :10254/healthz): 200 with <paramref name="okBody"/> while <paramref name="healthy"/> says
/// so, else 503 with <paramref name="failBody"/>. Any path answers; one request per connection. Raw sockets, so a
/// probe never competes with the program's own listeners.
/// </summary>
public sealed class ProbeEndpoint(int port, Func<bool> healthy, string okBody = "OK", string failBody = "not ready") : IDisposable
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

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

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
                var body = ok ? okBody : failBody;
                var head = $"HTTP/1.1 {(ok ? "200 OK" : "503 Service Unavailable")}\r\nContent-Type: text/plain; charset=utf-8\r\n" +
                           $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await connection.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException) { }
        }
    }

    public void Dispose() => _listener.Dispose();
}
