using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Proxy.Metrics;

/// <summary>
/// A minimal HTTP/1.1 responder (one request per connection, then close) for /metrics and healthCheckNodePorts:
/// both answer tiny GETs from probes, and the health check servers come and go with Services.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    public sealed record Response(int Status, string ContentType, string Body, IReadOnlyDictionary<string, string>? Headers = null);

    readonly TcpListener _listener;
    readonly Func<string, Response> _handler;
    readonly CancellationTokenSource _cts = new();
    readonly Task _loop;

    public TinyHttpServer(IPEndPoint endpoint, Func<string, Response> handler)
    {
        _handler = handler;
        _listener = new TcpListener(endpoint);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptLoopAsync();
    }

    public int Port { get; }

    async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
            catch (Exception) when (_cts.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = ServeAsync(client);
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
                if (n == 0) break;
                read += n;
                if (Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n")) break;
            }
            var requestLine = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0].Split(' ');
            var path = requestLine.Length > 1 ? requestLine[1] : "/";
            var r = _handler(path);
            var body = Encoding.UTF8.GetBytes(r.Body);
            var head = new StringBuilder($"HTTP/1.1 {r.Status} {(r.Status == 200 ? "OK" : r.Status == 503 ? "Service Unavailable" : "Not Found")}\r\n");
            head.Append($"Content-Type: {r.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
            foreach (var (k, v) in r.Headers ?? new Dictionary<string, string>()) head.Append($"{k}: {v}\r\n");
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token);
            await stream.WriteAsync(body, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _cts.Dispose();
    }
}
