using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Podway.Edge.Gateway;

namespace Podway.Edge.Streams;

/// <summary>
/// One edge target port of TLS or TCP listeners. Each connection is routed on the snapshot of the moment: TCP to the
/// port's TCPRoute; TLS by the ClientHello's SNI to a listener and its TLSRoute (Passthrough: the ClientHello and
/// everything after it go to the backend untouched, so the client sees the backend's own certificate; Terminate: the
/// edge completes the handshake with the listener's certificate and forwards the plain stream). No route, no
/// usable backend, or a ClientHello that is not one: the connection is closed, as Envoy Gateway does. One log line
/// per connection.
/// </summary>
internal sealed class TcpPortServer : IAsyncDisposable
{
    /// <summary>How long a client may take to send its ClientHello (and, terminating, to finish the handshake).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Reads allowed before the ClientHello is complete. Clients send it in one to a few segments; a client
    /// trickling it byte by byte would make every read re-parse what came before, so it is cut off instead.</summary>
    public const int MaxClientHelloReads = 32;

    readonly int _port;
    readonly Func<GatewayRoutes> _routes;
    readonly Action<string> _log;
    readonly Socket _listener;
    readonly CancellationTokenSource _stop = new();
    Task _accepting = Task.CompletedTask;

    public TcpPortServer(int port, Func<GatewayRoutes> routes, Action<string> log)
    {
        (_port, _routes, _log) = (port, routes, log);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
    }

    /// <summary>The bound port (for port 0 in tests).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public void Start(IPAddress? address = null)
    {
        _listener.Bind(new IPEndPoint(address ?? IPAddress.Any, _port));
        _listener.Listen(512);
        _accepting = AcceptAsync();
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException e) { _log($"stream port {_port}: accept: {e.SocketErrorCode}"); continue; }
            _ = HandleAsync(client);
        }
    }

    async Task HandleAsync(Socket client)
    {
        var started = Stopwatch.GetTimestamp();
        var remote = client.RemoteEndPoint?.ToString() ?? "-";
        string outcome;
        try { outcome = await ServeAsync(client); }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or AuthenticationException)
        {
            outcome = $"closed: {e.GetType().Name}: {e.Message}";
        }
        catch (Exception e)
        {
            outcome = $"error: {e}";
        }
        finally { client.Dispose(); }
        _log($"{remote} port={_port} {outcome} {Stopwatch.GetElapsedTime(started).TotalSeconds:0.000}");
    }

    async Task<string> ServeAsync(Socket client)
    {
        client.NoDelay = true;
        if (_routes().StreamPortFor(_port) is not { } port) return "no listener";
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        handshake.CancelAfter(HandshakeTimeout);

        var hello = Memory<byte>.Empty;
        string? sni = null;
        StreamListener? listener;
        if (port.Protocol == "TLS")
        {
            var buffer = new byte[ClientHello.MaxBytes];
            var read = 0;
            for (var reads = 1; ; reads++)
            {
                var n = await client.ReceiveAsync(buffer.AsMemory(read), handshake.Token);
                if (n == 0) return "closed before the ClientHello";
                if (reads > MaxClientHelloReads) return $"ClientHello not complete after {MaxClientHelloReads} reads ({read} bytes)";
                read += n;
                var result = ClientHello.TryRead(buffer.AsSpan(0, read), out sni);
                if (result == ClientHelloResult.Complete) break;
                if (result == ClientHelloResult.Invalid) return $"not a TLS ClientHello ({read} bytes)";
            }
            hello = buffer.AsMemory(0, read);
            listener = port.ListenerFor(sni);
        }
        else listener = port.ListenerFor(null);

        var what = port.Protocol == "TLS" ? $"TLS sni={sni ?? "-"}" : port.Protocol;
        if (listener?.RouteFor(sni) is not { } route) return $"{what} no route";
        if (route.Pick() is not { Pool: { } pool }) return $"{what} route={route} no valid backend";

        Stream clientStream = new NetworkStream(client, ownsSocket: false);
        if (listener.Certificate is { } certificate)
        {
            var ssl = new SslStream(new PrefixedStream(hello, clientStream));
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = certificate.Context }, handshake.Token);
            clientStream = ssl;
            hello = Memory<byte>.Empty;
        }
        await using var _ = clientStream;
        var (upstream, error) = await StreamConnector.ConnectAsync(pool, _stop.Token);
        if (upstream is null) return $"{what} route={route} {error}";
        using (upstream)
        {
            var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
            if (!hello.IsEmpty) await upstream.SendAsync(hello, _stop.Token);
            await StreamSplice.RunAsync(clientStream, upstreamStream, _stop.Token);
            return $"{what} route={route} upstream={upstream.RemoteEndPoint}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _accepting;
    }
}
