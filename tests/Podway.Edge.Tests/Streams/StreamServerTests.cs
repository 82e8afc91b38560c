using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;
using Podway.Edge.Streams;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Streams;

/// <summary>The L4 data plane on loopback: a TLS passthrough client sees the backend's own certificate, TLS terminate
/// forwards the plain stream, TCP splices both ways with half-close, UDP relays per client and forgets idle flows,
/// and connections nothing routes are closed.</summary>
public sealed class StreamServerTests : IAsyncDisposable
{
    static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();
    readonly List<IAsyncDisposable> _disposables = [];
    readonly List<string> _log = [];

    static int FreePort(SocketType type)
    {
        using var s = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>Routes for one Gateway whose listener <paramref name="listener"/> is served on edge port
    /// <paramref name="target"/>, with Services a (TCP) and u (UDP) whose endpoints are on loopback.</summary>
    static GatewayRoutes Routes(string listener, int target, int backendPort, string routesKind, string routeSpec, JsonObject[]? secrets = null)
    {
        var listenerPort = (int)JsonNode.Parse(listener)!["port"]!;
        var gatewayService = J("{\"metadata\":{\"namespace\":\"ingress-nginx\",\"name\":\"gw-infra-gw\",\"annotations\":{\"podway.io/gateway\":\"infra/gw\"}},"
            + "\"spec\":{\"ports\":[{\"port\":" + listenerPort + ",\"targetPort\":" + target + "}]},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.250.0.130\"}]}}}");
        var udpService = J("""{"metadata":{"namespace":"infra","name":"u"},"spec":{"ports":[{"port":53,"protocol":"UDP"}]}}""");
        var udpSlice = Ready("infra", "u-x", "u", "", backendPort, "127.0.0.1");
        udpSlice["ports"]![0]!["protocol"] = "UDP";
        var route = J("{\"metadata\":{\"namespace\":\"infra\",\"name\":\"r\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":" + routeSpec + "}");
        var gateway = J("{\"metadata\":{\"namespace\":\"infra\",\"name\":\"gw\"},\"spec\":{\"gatewayClassName\":\"podway\",\"listeners\":[" + listener + "]}}");
        var config = EdgeConfigBuilder.Build(new EdgeInputs([], [], [Service("infra", "a", ("", 443)), udpService, gatewayService],
            [Ready("infra", "a-x", "a", "", backendPort, "127.0.0.1"), udpSlice, Ready("ingress-nginx", "gw-x", "gw-infra-gw", "", target, "10.244.0.9")],
            secrets ?? [], Fake)
        {
            Gateway = new GatewayInputs([J("""{"metadata":{"name":"podway"},"spec":{"controllerName":"podway.io/gateway-controller"}}""")], [gateway], [], [], [])
            {
                TlsRoutes = routesKind == "TLSRoute" ? [route] : [], TcpRoutes = routesKind == "TCPRoute" ? [route] : [], UdpRoutes = routesKind == "UDPRoute" ? [route] : [],
            },
        });
        Assert.True(config.Gateways.StreamPortFor(target) is not null, "the listener is served");
        return config.Gateways;
    }

    TcpPortServer StartTcp(int port, GatewayRoutes routes)
    {
        var server = new TcpPortServer(port, () => routes, line => { lock (_log) _log.Add(line); });
        server.Start(IPAddress.Loopback);
        _disposables.Add(server);
        return server;
    }

    /// <summary>A TLS server on loopback with its own certificate for <paramref name="name"/>: answers each connection
    /// with "backend saw SNI=x" and closes.</summary>
    (int Port, X509Certificate2 Certificate) StartTlsBackend(string name)
    {
        var (crt, key) = Pem(ecdsa: true, name);
        using var pem = X509Certificate2.CreateFromPem(crt, key);
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    await using (var ssl = new SslStream(client.GetStream()))
                    {
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
                        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"backend saw SNI={ssl.TargetHostName}\n"));
                        await ssl.ShutdownAsync();
                    }
                });
            }
        });
        _disposables.Add(new Disposer(() => { stop.Cancel(); listener.Stop(); }));
        return (((IPEndPoint)listener.LocalEndpoint).Port, certificate);
    }

    /// <summary>A plain TCP echo server that upper-cases what it reads and closes after the client half-closes.</summary>
    int StartTcpBackend()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var text = await new StreamReader(client.GetStream()).ReadToEndAsync(); // until the client's FIN
                        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text.ToUpperInvariant()));
                    }
                });
            }
        });
        _disposables.Add(new Disposer(() => { stop.Cancel(); listener.Stop(); }));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A TLS connection through the edge: what the server wrote, and the thumbprint of the certificate it showed.</summary>
    static async Task<(string Answer, string? Seen)> TlsRequestAsync(int port, string sni)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        string? seen = null;
        await using var ssl = new SslStream(client.GetStream(), false, (_, cert, _, _) => { seen = cert?.GetCertHashString(); return true; });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sni }).WaitAsync(TimeSpan.FromSeconds(10));
        var answer = await new StreamReader(ssl).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return (answer, seen);
    }

    [Fact]
    public async Task TlsPassthrough_ClientSeesTheBackendsCertificate_AndTheBackendTheSni()
    {
        var (backendPort, backendCert) = StartTlsBackend("abc.example.com");
        var port = FreePort(SocketType.Stream);
        var routes = Routes("""{"name":"tls","port":443,"protocol":"TLS","hostname":"*.example.com","tls":{"mode":"Passthrough"}}""", port, backendPort,
            "TLSRoute", """{"parentRefs":[{"name":"gw"}],"hostnames":["abc.example.com"],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""");
        StartTcp(port, routes);
        var (answer, seen) = await TlsRequestAsync(port, "abc.example.com");
        Assert.Equal("backend saw SNI=abc.example.com\n", answer);
        Assert.Equal(backendCert.Thumbprint, seen);
    }

    [Theory]
    [InlineData("other.example.com")]   // in the listener, no route
    [InlineData("abc.example.net")]     // outside the listener
    [InlineData("127.0.0.1")]           // no SNI at all
    public async Task TlsPassthrough_WithoutAMatchingRoute_ClosesTheConnection(string sni)
    {
        var (backendPort, _) = StartTlsBackend("abc.example.com");
        var port = FreePort(SocketType.Stream);
        var routes = Routes("""{"name":"tls","port":443,"protocol":"TLS","hostname":"*.example.com","tls":{"mode":"Passthrough"}}""", port, backendPort,
            "TLSRoute", """{"parentRefs":[{"name":"gw"}],"hostnames":["abc.example.com"],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""");
        StartTcp(port, routes);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => TlsRequestAsync(port, sni));
        Assert.True(e is IOException or System.Security.Authentication.AuthenticationException, e.ToString());
    }

    [Fact]
    public async Task TlsPort_GarbageInsteadOfAClientHello_IsClosedAndTheServerKeepsServing()
    {
        var (backendPort, _) = StartTlsBackend("abc.example.com");
        var port = FreePort(SocketType.Stream);
        var routes = Routes("""{"name":"tls","port":443,"protocol":"TLS","tls":{"mode":"Passthrough"}}""", port, backendPort,
            "TLSRoute", """{"parentRefs":[{"name":"gw"}],"hostnames":["abc.example.com"],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""");
        StartTcp(port, routes);
        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync(IPAddress.Loopback, port);
            await garbage.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: abc.example.com\r\n\r\n"u8.ToArray());
            Assert.Equal(0, await garbage.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
        // A ClientHello that claims more than it sends, then the client half-closes.
        using (var truncated = new TcpClient())
        {
            await truncated.ConnectAsync(IPAddress.Loopback, port);
            var stream = truncated.GetStream();
            await stream.WriteAsync(new byte[] { 22, 3, 1, 0x10, 0x00, 1, 0, 0x0f });
            truncated.Client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
        // A ClientHello trickled a byte at a time is cut off after a bounded number of reads.
        var hello = await ClientHelloTests.CaptureAsync("abc.example.com");
        using (var trickle = new TcpClient { NoDelay = true })
        {
            await trickle.ConnectAsync(IPAddress.Loopback, port);
            var stream = trickle.GetStream();
            try
            {
                foreach (var b in hello)
                {
                    await stream.WriteAsync(new[] { b });
                    await Task.Delay(2);
                }
            }
            catch (IOException) { } // closed by the edge mid-way
            Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
        Assert.Equal("backend saw SNI=abc.example.com\n", (await TlsRequestAsync(port, "abc.example.com")).Answer);
        lock (_log)
        {
            Assert.Contains(_log, l => l.Contains("not a TLS ClientHello"));
            Assert.Contains(_log, l => l.Contains($"not complete after {TcpPortServer.MaxClientHelloReads} reads"));
        }
    }

    [Fact]
    public async Task TlsTerminate_ServesTheListenersCertificate_AndForwardsPlainBytes()
    {
        var backendPort = StartTcpBackend();
        var (crt, key) = Pem(ecdsa: true, "*.example.com");
        var port = FreePort(SocketType.Stream);
        var routes = Routes("""{"name":"tls","port":443,"protocol":"TLS","hostname":"*.example.com","tls":{"mode":"Terminate","certificateRefs":[{"name":"cert"}]}}""",
            port, backendPort, "TCPRoute", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""",
            [TlsSecret("infra", "cert", crt, key)]);
        StartTcp(port, routes);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        string? seen = null;
        await using var ssl = new SslStream(client.GetStream(), false, (_, cert, _, _) => { seen = cert?.GetCertHashString(); return true; });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "abc.example.com" });
        Assert.Equal(X509Certificate2.CreateFromPem(crt).Thumbprint, seen);
        await ssl.WriteAsync("hello through tls"u8.ToArray());
        await ssl.ShutdownAsync(); // close_notify: the edge half-closes towards the plain backend
        Assert.Equal("HELLO THROUGH TLS", await new StreamReader(ssl).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Tcp_SplicesBothWaysWithHalfClose()
    {
        var backendPort = StartTcpBackend();
        var port = FreePort(SocketType.Stream);
        var routes = Routes("""{"name":"tcp","port":5432,"protocol":"TCP"}""", port, backendPort,
            "TCPRoute", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""");
        StartTcp(port, routes);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var payload = Encoding.ASCII.GetBytes(new string('x', 200_000));
        var stream = client.GetStream();
        await stream.WriteAsync(payload);
        client.Client.Shutdown(SocketShutdown.Send);
        var answer = await new StreamReader(stream).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new string('X', 200_000), answer);
    }

    [Fact]
    public async Task Tcp_BackendWithoutListener_ClosesTheClient()
    {
        var port = FreePort(SocketType.Stream);
        var routes = Routes("""{"name":"tcp","port":5432,"protocol":"TCP"}""", port, FreePort(SocketType.Stream),
            "TCPRoute", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""");
        StartTcp(port, routes);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        Assert.Equal(0, await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Delay(100);
        lock (_log) Assert.Contains(_log, l => l.Contains("ConnectionRefused"));
    }

    [Fact]
    public async Task Udp_RelaysPerClient_AndForgetsIdleFlows()
    {
        // Backend: answers each datagram with "echo:" + it, from its own port.
        using var backend = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var backendPort = ((IPEndPoint)backend.Client.LocalEndPoint!).Port;
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await backend.ReceiveAsync(stop.Token);
                await backend.SendAsync(Encoding.ASCII.GetBytes("echo:" + Encoding.ASCII.GetString(r.Buffer)), r.RemoteEndPoint, stop.Token);
            }
        });
        _disposables.Add(new Disposer(stop.Cancel));
        var port = FreePort(SocketType.Dgram);
        var routes = Routes("""{"name":"udp","port":53,"protocol":"UDP"}""", port, backendPort,
            "UDPRoute", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"u","port":53}]}]}""");
        var server = new UdpPortServer(port, () => routes, line => { lock (_log) _log.Add(line); }, idleTimeout: TimeSpan.FromMilliseconds(300));
        server.Start(IPAddress.Loopback);
        _disposables.Add(server);

        using var one = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var two = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var edge = new IPEndPoint(IPAddress.Loopback, port);
        await one.SendAsync("a"u8.ToArray(), edge);
        await two.SendAsync("b"u8.ToArray(), edge);
        var a = await one.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var b = await two.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("echo:a", Encoding.ASCII.GetString(a.Buffer));
        Assert.Equal("echo:b", Encoding.ASCII.GetString(b.Buffer));
        Assert.Equal(edge, a.RemoteEndPoint); // answers come from the listening port
        Assert.Equal(2, server.FlowCount);
        await Task.Delay(1200);
        Assert.Equal(0, server.FlowCount);
        await one.SendAsync("again"u8.ToArray(), edge); // a new flow after the idle timeout
        Assert.Equal("echo:again", Encoding.ASCII.GetString((await one.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5))).Buffer));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _disposables) await d.DisposeAsync();
    }

    sealed class Disposer(Action action) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() { action(); return ValueTask.CompletedTask; }
    }
}
