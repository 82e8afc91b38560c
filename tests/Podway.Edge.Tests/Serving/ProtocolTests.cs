using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Podway.Edge.Tests.Serving;

public class ProtocolTests
{
    [Fact]
    public async Task Get_Http2OverTls_NegotiatedByAlpn()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client(HttpVersion.Version20);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{edge.Server.HttpsPort}/headers")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = "shop.test";
        using var response = await client.SendAsync(request);
        var seen = Backend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("https", seen["x-forwarded-proto"]);
        Assert.Equal("HTTP/1.1", seen[":protocol"]);
        Assert.Contains(("shop.test", "/headers", true), edge.Routes.Asked);
    }

    [Fact]
    public async Task Get_H2cPriorKnowledge_ServedOverHttp2()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client(HttpVersion.Version20);

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/", HttpVersion.Version20));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("web-1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Curl_Http2PriorKnowledge_ServedOverHttp2()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);

        var curl = Process.Start(new ProcessStartInfo("curl", ["-sS", "--http2-prior-knowledge", "-o", "/dev/null",
            "-w", "%{http_version} %{http_code}", "-H", "Host: shop.test", $"http://127.0.0.1:{edge.Server.HttpPort}/"])
            { RedirectStandardOutput = true })!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();

        Assert.Equal("2 200", output);
    }

    [Fact]
    public async Task WebSocket_OverHttp11_EchoedThroughTheEdge()
    {
        await using var backend = await Backend.StartAsync("ws-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["127.0.0.1"] = TableRoutes.Forward("ws", [backend.Port]);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{edge.Server.HttpPort}/ws"), CancellationToken.None);
        var echoed = await EchoAsync(socket, "hello through the edge");
        var big = await EchoAsync(socket, new string('x', 200_000));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("hello through the edge", echoed);
        Assert.Equal(200_000, big.Length);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal("bye", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task WebSocket_OverHttp2Tls_EchoedThroughHttp11Upstream()
    {
        await using var backend = await Backend.StartAsync("ws-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["127.0.0.1"] = TableRoutes.Forward("ws", [backend.Port]);
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });

        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{edge.Server.HttpsPort}/ws"), invoker, CancellationToken.None);
        var echoed = await EchoAsync(socket, "h2 websocket");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("h2 websocket", echoed);
        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode);
    }

    [Fact]
    public async Task TlsHandshake_TwoHosts_CertificateChosenBySni()
    {
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Certificates["a.test"] = TestCertificates.For("a.test");
        edge.Routes.Certificates["b.test"] = TestCertificates.For("b.test");

        Assert.Equal("CN=a.test", await ServedCertificateSubject(edge, "a.test"));
        Assert.Equal("CN=b.test", await ServedCertificateSubject(edge, "B.test"));
        Assert.Equal("CN=default.test", await ServedCertificateSubject(edge, "other.test"));
    }

    [Fact]
    public async Task TlsHandshake_CertificateReplaced_NextHandshakeGetsItWithoutRestart()
    {
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Certificates["a.test"] = TestCertificates.For("a.test");
        var before = await ServedCertificateSubject(edge, "a.test");

        edge.Routes.Certificates["a.test"] = TestCertificates.For("new.a.test");

        Assert.Equal("CN=a.test", before);
        Assert.Equal("CN=new.a.test", await ServedCertificateSubject(edge, "a.test"));
    }

    static async Task<string> ServedCertificateSubject(EdgeHarness edge, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, edge.Server.HttpsPort);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });
        return new X509Certificate2(tls.RemoteCertificate!).Subject;
    }

    static async Task<string> EchoAsync(ClientWebSocket socket, string text)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[256 * 1024];
        var total = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(total), CancellationToken.None);
            total += received.Count;
            if (received.EndOfMessage) return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }
}
