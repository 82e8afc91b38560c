using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Podway.Edge.Tests.Serving;

public class ForwardingTests
{
    [Fact]
    public async Task Post_20MegabyteBody_StreamedToUpstreamIntact()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();
        var body = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);

        using var request = EdgeHarness.Get(edge, "shop.test", "/sha256");
        request.Method = HttpMethod.Post;
        request.Content = new ByteArrayContent(body);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body)), await response.Content.ReadAsStringAsync());
    }

    /// <summary>As ingress-nginx: every answer says `Server: nginx`, the upstream's own (Kestrel's here) is not passed on.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Responses_CarryTheEdgesServerField_NotTheUpstreams(bool h2cUpstream)
    {
        await using var backend = await Backend.StartAsync("web-1", http2Only: h2cUpstream);
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port], h2cUpstream ? "kubernetes.io/h2c" : null);
        using var client = EdgeHarness.Client();

        using var forwarded = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/"));
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Equal(["nginx"], forwarded.Headers.GetValues("Server"));
        using var local = await client.SendAsync(EdgeHarness.Get(edge, "nowhere.test", "/"));
        Assert.Equal(HttpStatusCode.NotFound, local.StatusCode);
        Assert.Equal(["nginx"], local.Headers.GetValues("Server"));
    }

    /// <summary>An upstream that echoes while it still receives (h2c, or HTTP/1.1 over our own connections), and a
    /// client that reads while it still sends: 20 MB cannot sit in socket buffers, so this passes only if both
    /// directions stream through the edge at once.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_20MegabyteEchoWhileUploading_BothDirectionsStreamAtOnce(bool h2cUpstream)
    {
        await using var backend = await Backend.StartAsync("grpc-1", http2Only: h2cUpstream);
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["grpc.test"] = TableRoutes.Forward("grpc", [backend.Port], h2cUpstream ? "kubernetes.io/h2c" : null);
        var body = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, edge.Server.HttpPort);
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /echo HTTP/1.1\r\nHost: grpc.test\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        var upload = Task.Run(async () =>
        {
            for (var i = 0; i < body.Length; i += 65536) await stream.WriteAsync(body.AsMemory(i, Math.Min(65536, body.Length - i)));
        });
        var received = new MemoryStream();
        await stream.CopyToAsync(received);
        await upload;

        var all = received.ToArray();
        var headerEnd = all.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(all, 0, headerEnd));
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(all.AsSpan(headerEnd)));
    }

    [Fact]
    public async Task Post_ChunkedUploadWithoutLength_StreamedIntact()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();
        var body = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 7);

        using var request = EdgeHarness.Get(edge, "shop.test", "/sha256");
        request.Method = HttpMethod.Post;
        request.Content = new StreamContent(new NonSeekableStream(body));
        using var response = await client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body)), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_20MegabyteDownload_ContentLengthKeptAndBodyIntact()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/big?bytes=20971520"), HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(20971520, response.Content.Headers.ContentLength);
        Assert.Equal(20971520, bytes.Length);
        Assert.Equal((byte)5, bytes[65536 + 5]);
    }

    [Fact]
    public async Task Get_Headers_ForwardedHeadersSetHostKeptHopByHopDropped()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var request = EdgeHarness.Get(edge, "Shop.test:8080", "/headers?q=a%20b");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "198.51.100.1");
        request.Headers.TryAddWithoutValidation("Connection", "X-Secret");
        request.Headers.TryAddWithoutValidation("X-Secret", "hop");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic eA==");
        request.Headers.TryAddWithoutValidation("X-App", "kept");
        using var response = await client.SendAsync(request);
        var seen = Backend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal("Shop.test:8080", seen["host"]);
        Assert.Equal("203.0.113.9, 127.0.0.1", seen["x-forwarded-for"]);
        Assert.Equal("127.0.0.1", seen["x-real-ip"]);
        Assert.Equal("http", seen["x-forwarded-proto"]);
        Assert.Equal("Shop.test:8080", seen["x-forwarded-host"]);
        Assert.Equal("kept", seen["x-app"]);
        Assert.Equal("/headers?q=a%20b", seen[":target"]);
        Assert.Equal("HTTP/1.1", seen[":protocol"]);
        Assert.False(seen.ContainsKey("x-secret"));
        Assert.False(seen.ContainsKey("proxy-authorization"));
    }

    [Fact]
    public async Task Post_EmptyBodyWithContentLength_UpstreamGetsContentLengthZero()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var request = EdgeHarness.Get(edge, "shop.test", "/headers");
        request.Method = HttpMethod.Post;
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await client.SendAsync(request);
        var seen = Backend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal("POST", seen[":method"]);
        Assert.Equal("0", seen["content-length"]);
        Assert.Equal("text/plain", seen["content-type"]);
    }

    [Fact]
    public async Task Get_H2cPool_UpstreamSpokenToInHttp2()
    {
        await using var backend = await Backend.StartAsync("grpc-1", http2Only: true);
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["grpc.test"] = TableRoutes.Forward("grpc", [backend.Port], "kubernetes.io/h2c");
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "grpc.test", "/headers"));
        var seen = Backend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", seen[":protocol"]);
        Assert.Equal("grpc.test", seen["host"]);
    }

    [Fact]
    public async Task Request_Forwarded_AccessLogLineLikeNginx()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var request = EdgeHarness.Get(edge, "shop.test", "/logged?x=\"1\"");
        request.Headers.TryAddWithoutValidation("User-Agent", "test-agent/1.0");
        request.Headers.TryAddWithoutValidation("Referer", "http://ref.test/");
        using var response = await client.SendAsync(request);
        var line = await edge.Log.LineContainingAsync("/logged");

        Assert.Matches("^127\\.0\\.0\\.1 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] "
                       + "\"GET /logged\\?x=(%22|\\\\x22)1(%22|\\\\x22) HTTP/1.1\" 200 5 \"http://ref.test/\" \"test-agent/1.0\" "
                       + $"upstream=127\\.0\\.0\\.1:{backend.Port} \\d+\\.\\d{{3}} ingress=shop/web$", line);
    }

    [Fact]
    public async Task Request_EndpointTerminatesWhileInFlight_FinishesThereNewRequestsGoElsewhere()
    {
        await using var draining = await Backend.StartAsync("web-old");
        await using var fresh = await Backend.StartAsync("web-new");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [draining.Port]);
        using var client = EdgeHarness.Client();

        var inFlight = client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/delay?ms=1500"));
        while (draining.Requests == 0) await Task.Delay(10);
        var next = new TableRoutes(TestCertificates.For("default.test"));
        next.Hosts["shop.test"] = new Podway.Edge.Routing.RouteDecision.Forward(new("shop", "web"), new("shop", "web", "web:80",
        [
            new("127.0.0.1", draining.Port, Ready: false, Serving: true, Terminating: true),
            new("127.0.0.1", fresh.Port, Ready: true, Serving: true, Terminating: false),
        ], null));
        edge.Swap(next);
        var after = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));
            after.Add(await response.Content.ReadAsStringAsync());
        }
        using var finished = await inFlight;

        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("web-old", await finished.Content.ReadAsStringAsync());
        Assert.All(after, body => Assert.Equal("web-new", body));
    }

    [Fact]
    public async Task Head_Forwarded_HeadersWithoutBody()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var request = EdgeHarness.Get(edge, "shop.test", "/big?bytes=1000");
        request.Method = HttpMethod.Head;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Request_NoRoute_AccessLogLineWithoutUpstreamOrIngress()
    {
        await using var edge = await EdgeHarness.StartAsync();
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "nowhere.test", "/missing"));
        var bodyLength = (await response.Content.ReadAsByteArrayAsync()).Length;
        var line = await edge.Log.LineContainingAsync("/missing");

        Assert.Matches($" \"GET /missing HTTP/1.1\" 404 {bodyLength} \"-\" \"-\" upstream=- \\d+\\.\\d{{3}} ingress=-$", line);
    }

    /// <summary>Hides the length so HttpClient sends the body chunked.</summary>
    sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
