using System.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Serving;

/// <summary>
/// The annotation families on the wire, through a real edge server and real Kestrel backends: each Ingress is
/// compiled by <see cref="EdgeConfigBuilder"/> from its annotations, as in the cluster, and its Forward served.
/// </summary>
public class IngressAnnotationServingTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    /// <summary>The Forward an Ingress with these annotations compiles to for `host/`, aimed at the backend's port.</summary>
    static RouteDecision.Forward Compiled(int port, Dictionary<string, string> annotations, string path = "/", string pathType = "Prefix")
    {
        var config = Build([Ingress("shop", "web", 1, [Rule("shop.test", Path(path, pathType, Backend("web", 80)))],
            annotations: annotations.ToDictionary(a => P + a.Key, a => a.Value))]);
        var forward = config.Route("shop.test", path == "/" ? "/" : "/x", isHttps: false) as RouteDecision.Forward
                      ?? (RouteDecision.Forward)config.Route("shop.test", "/something/x", isHttps: false);
        return forward with { Backend = TableRoutes.Forward("web", [port]).Backend };
    }

    static async Task<(EdgeHarness Edge, HttpClient Client)> Serve(RouteDecision.Forward forward)
    {
        var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = forward;
        return (edge, EdgeHarness.Client());
    }

    [Fact]
    public async Task RewriteTarget_BackendGetsTheRewrittenTargetAndXForwardedPrefix()
    {
        await using var backend = await Backend.StartAsync("web-1");
        var (edge, client) = await Serve(Compiled(backend.Port,
            new() { ["rewrite-target"] = "/$2", ["x-forwarded-prefix"] = "/something" }, "/something(/|$)(.*)", "ImplementationSpecific"));
        await using var _ = edge;

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/something/headers?x=1"));

        var seen = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("/headers?x=1", (string?)seen[":target"]);
        Assert.Equal("/something", (string?)seen["x-forwarded-prefix"]);
    }

    [Fact]
    public async Task ProxyBodySize_ContentLengthAndChunkedBodiesPastTheLimit_413()
    {
        await using var backend = await Backend.StartAsync("web-1");
        var (edge, client) = await Serve(Compiled(backend.Port, new() { ["proxy-body-size"] = "1k" }));
        await using var _ = edge;

        var small = EdgeHarness.Get(edge, "shop.test", "/echo");
        small.Method = HttpMethod.Post;
        small.Content = new ByteArrayContent(new byte[1024]);
        using (var ok = await client.SendAsync(small)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var big = EdgeHarness.Get(edge, "shop.test", "/echo");
        big.Method = HttpMethod.Post;
        big.Content = new ByteArrayContent(new byte[1025]);
        using (var refused = await client.SendAsync(big)) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);

        var chunked = EdgeHarness.Get(edge, "shop.test", "/sha256");
        chunked.Method = HttpMethod.Post;
        chunked.Content = new StreamContent(new MemoryStream(new byte[4096]));
        chunked.Headers.TransferEncodingChunked = true;
        using (var refused = await client.SendAsync(chunked)) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task DefaultBodyLimit_IsOneMegabyte()
    {
        await using var backend = await Backend.StartAsync("web-1");
        var (edge, client) = await Serve(Compiled(backend.Port, []));
        await using var _ = edge;
        var big = EdgeHarness.Get(edge, "shop.test", "/echo");
        big.Method = HttpMethod.Post;
        big.Content = new ByteArrayContent(new byte[1024 * 1024 + 1]);
        using var refused = await client.SendAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task ProxyReadTimeout_SlowBackend_504()
    {
        await using var backend = await Backend.StartAsync("web-1");
        var (edge, client) = await Serve(Compiled(backend.Port, new() { ["proxy-read-timeout"] = "1" }));
        await using var _ = edge;

        using var quick = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/delay?ms=100"));
        Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        var started = DateTime.UtcNow;
        using var slow = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/delay?ms=4000"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task ProxySendTimeout_BackendThatStopsReading_504WithinTheTimeout()
    {
        // A backend that accepts and never reads: once the socket buffers are full, the edge's writes stall.
        using var stalled = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        stalled.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        stalled.Listen();
        var accepted = stalled.AcceptAsync();
        var (edge, client) = await Serve(Compiled(((IPEndPoint)stalled.LocalEndPoint!).Port,
            new() { ["proxy-send-timeout"] = "1", ["proxy-body-size"] = "0" }));
        await using var _ = edge;
        // A raw client: it keeps sending the body while it reads, as HttpClient would not give the early answer.
        using var raw = new System.Net.Sockets.TcpClient();
        await raw.ConnectAsync(IPAddress.Loopback, new Uri(edge.Http("shop.test")).Port);
        var stream = raw.GetStream();
        var started = DateTime.UtcNow;
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"POST /upload HTTP/1.1\r\nHost: shop.test\r\nContent-Length: {256L << 20}\r\n\r\n"));
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            try { while (!stop.IsCancellationRequested) await stream.WriteAsync(chunk, stop.Token); }
            catch (Exception) { } // the edge closes the connection after answering
        });
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!answer.ToString().Contains("\r\n"))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            answer.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }
        var elapsed = DateTime.UtcNow - started;
        stop.Cancel();
        Assert.StartsWith("HTTP/1.1 504", answer.ToString());
        // proxy-read-timeout is 60 s here: only the send timeout explains a 504 this soon.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
        await sending;
        (await accepted).Dispose();
    }

    [Fact]
    public async Task WhitelistSourceRange_ClientOutside_403_Inside_200()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        using var client = EdgeHarness.Client();
        edge.Routes.Hosts["shop.test"] = Compiled(backend.Port, new() { ["whitelist-source-range"] = "10.0.0.0/8" });
        using (var refused = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"))) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        edge.Routes.Hosts["shop.test"] = Compiled(backend.Port, new() { ["whitelist-source-range"] = "10.0.0.0/8, 127.0.0.1/32" });
        using (var admitted = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"))) Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task EnableCors_Preflight204WithHeaders_OtherRequestsGetTheHeaders()
    {
        await using var backend = await Backend.StartAsync("web-1");
        var (edge, client) = await Serve(Compiled(backend.Port, new()
        {
            ["enable-cors"] = "true", ["cors-allow-origin"] = "https://app.example.com", ["cors-allow-methods"] = "GET, POST",
            ["cors-max-age"] = "600", ["cors-expose-headers"] = "X-Total", ["cors-allow-credentials"] = "false",
        }));
        await using var _ = edge;

        var preflight = EdgeHarness.Get(edge, "shop.test", "/api");
        preflight.Method = HttpMethod.Options;
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using (var answer = await client.SendAsync(preflight))
        {
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
            Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("GET, POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
            Assert.Equal("600", answer.Headers.GetValues("Access-Control-Max-Age").Single());
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));
            Assert.Equal(0, backend.Requests); // answered by the edge
        }

        var get = EdgeHarness.Get(edge, "shop.test", "/api");
        get.Headers.Add("Origin", "https://app.example.com");
        using (var answer = await client.SendAsync(get))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("X-Total", answer.Headers.GetValues("Access-Control-Expose-Headers").Single());
        }

        // Another origin: no CORS headers, and its OPTIONS goes to the backend.
        var foreign = EdgeHarness.Get(edge, "shop.test", "/api");
        foreign.Method = HttpMethod.Options;
        foreign.Headers.Add("Origin", "https://evil.example.com");
        using (var answer = await client.SendAsync(foreign))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
            Assert.Equal(2, backend.Requests); // the GET and this OPTIONS
        }

        // With the default origin `*`, every request gets `Access-Control-Allow-Origin: *`, even without Origin.
        edge.Routes.Hosts["shop.test"] = Compiled(backend.Port, new() { ["enable-cors"] = "true" });
        using (var answer = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/api")))
        {
            Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("true", answer.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        }
    }

    [Fact]
    public async Task UpstreamVhost_BackendSeesThatHost()
    {
        await using var backend = await Backend.StartAsync("web-1");
        var (edge, client) = await Serve(Compiled(backend.Port, new() { ["upstream-vhost"] = "internal.svc" }));
        await using var _ = edge;
        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/headers"));
        var seen = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("internal.svc", (string?)seen["host"]);
        Assert.Equal("shop.test", (string?)seen["x-forwarded-host"]);
    }

    [Theory]
    [InlineData("HTTPS", true, false, "https", "HTTP/1.1")]
    [InlineData("GRPCS", true, true, "https", "HTTP/2")]
    [InlineData("H2C", false, true, "http", "HTTP/2")]
    [InlineData("GRPC", false, true, "http", "HTTP/2")]
    public async Task BackendProtocol_SpeaksToTheBackendAsAsked(string protocol, bool tls, bool http2, string scheme, string seenProtocol)
    {
        await using var backend = await Backend.StartAsync("web-1", http2Only: http2, tls: tls);
        var (edge, client) = await Serve(Compiled(backend.Port, new() { ["backend-protocol"] = protocol }));
        await using var _ = edge;
        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/headers"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(scheme, (string?)seen[":scheme"]);
        Assert.Equal(seenProtocol, (string?)seen[":protocol"]);
    }
}

public class BasicAuthServingTests
{
    [Fact]
    public async Task AuthTypeBasic_NoOrWrongCredentials_401WithRealm_RightOnes_Forwarded()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        using var client = EdgeHarness.Client();
        var forward = TableRoutes.Forward("web", [backend.Port]) with
        {
            Behaviour = new IngressBehaviour { Auth = new BasicAuth("Authentication Required - foo", new Dictionary<string, string> { ["foo"] = "$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0" }) },
        };
        edge.Routes.Hosts["shop.test"] = forward;

        using (var anonymous = await client.SendAsync(EdgeHarness.Get(edge, "shop.test")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic realm=\"Authentication Required - foo\"", anonymous.Headers.WwwAuthenticate.ToString());
        }
        HttpRequestMessage As(string user, string password)
        {
            var request = EdgeHarness.Get(edge, "shop.test");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
            return request;
        }
        using (var wrong = await client.SendAsync(As("foo", "wrong"))) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var unknown = await client.SendAsync(As("bar", "secret"))) Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(0, backend.Requests);
        using (var right = await client.SendAsync(As("foo", "secret")))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            Assert.Equal("web-1", await right.Content.ReadAsStringAsync());
        }
    }
}

public class BodyLimitUpgradeTests
{
    [Fact]
    public async Task WebSocket_MoreThanTheBodyLimit_StillEchoed()
    {
        await using var backend = await Backend.StartAsync("ws-1");
        await using var edge = await EdgeHarness.StartAsync();
        var config = Build([Ingress("shop", "ws", 1, [Rule("127.0.0.1", Path("/", "Prefix", Backend("ws", 80)))],
            annotations: new() { ["nginx.ingress.kubernetes.io/proxy-body-size"] = "1k" })]);
        var forward = (RouteDecision.Forward)config.Route("127.0.0.1", "/ws", isHttps: false);
        edge.Routes.Hosts["127.0.0.1"] = forward with { Backend = TableRoutes.Forward("ws", [backend.Port]).Backend };
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{edge.Server.HttpPort}/ws"), CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            var text = new string((char)('a' + i), 100_000);
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[200_000];
            var total = 0;
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(total), CancellationToken.None);
                total += received.Count;
                if (received.EndOfMessage) break;
            }
            Assert.Equal(100_000, total);
        }
    }
}
