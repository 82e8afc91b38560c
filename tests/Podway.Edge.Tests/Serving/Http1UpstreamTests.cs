using System.Net;
using System.Net.Http.Headers;

namespace Podway.Edge.Tests.Serving;

/// <summary>The edge's own HTTP/1.1 upstream connections against upstreams that answer in every framing HTTP/1.1
/// allows, and some it does not.</summary>
public class Http1UpstreamTests
{
    /// <summary>An edge routing shop.test to <paramref name="upstream"/>, and a client; disposed together.</summary>
    sealed class Setup(EdgeHarness edge, HttpClient client) : IAsyncDisposable
    {
        public EdgeHarness Edge { get; } = edge;
        public HttpClient Client { get; } = client;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Edge.DisposeAsync();
        }
    }

    static async Task<Setup> EdgeTo(ScriptedUpstream upstream)
    {
        var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [upstream.Port]);
        return new Setup(edge, EdgeHarness.Client());
    }

    static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, EdgeHarness edge, string path = "/", HttpMethod? method = null)
    {
        using var request = EdgeHarness.Get(edge, "shop.test", path);
        if (method is not null) request.Method = method;
        if (method == HttpMethod.Post) request.Content = new StringContent("payload");
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_ManyInSequence_OneUpstreamConnectionKeptAlive()
    {
        using var upstream = ScriptedUpstream.Answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        for (var i = 0; i < 20; i++) Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(client, edge));

        Assert.Equal(20, upstream.Requests);
        Assert.Equal(1, upstream.Accepted);
    }

    [Fact]
    public async Task Get_ChunkedBodyInPieces_DecodedIntactAndConnectionReused()
    {
        // The last data comes with the end of the body, after the edge has flushed what came before.
        using var upstream = ScriptedUpstream.InPieces(50, keepAlive: true,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "lo\r\n", "6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        Assert.Equal((HttpStatusCode.OK, "hello world"), await GetAsync(client, edge));
        Assert.Equal((HttpStatusCode.OK, "hello world"), await GetAsync(client, edge));
        Assert.Equal(1, upstream.Accepted);
    }

    [Fact]
    public async Task Get_LengthBodyAfterTheHead_WholeBodyAndConnectionReused()
    {
        // As nginx with sendfile sends a static file: the head, then the body in a segment of its own.
        using var upstream = ScriptedUpstream.InPieces(20, keepAlive: true, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", "hello ", "world");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        for (var i = 0; i < 5; i++) Assert.Equal((HttpStatusCode.OK, "hello world"), await GetAsync(client, edge));
        Assert.Equal(1, upstream.Accepted);
    }

    [Fact]
    public async Task Get_BodyUntilClose_WholeBodyThenNewConnection()
    {
        using var upstream = ScriptedUpstream.InPieces(50, keepAlive: false, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of ", "it");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        Assert.Equal((HttpStatusCode.OK, "all of it"), await GetAsync(client, edge));
        Assert.Equal((HttpStatusCode.OK, "all of it"), await GetAsync(client, edge));
        Assert.Equal(2, upstream.Accepted);
    }

    [Fact]
    public async Task Get_InterimResponsesFirst_FinalResponseForwarded()
    {
        using var upstream = ScriptedUpstream.Answering(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nmade");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        Assert.Equal((HttpStatusCode.Created, "made"), await GetAsync(client, edge));
    }

    [Theory]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx")]
    [InlineData("HTTP/1.1 200 OK\r\nBroken header\r\n\r\n")]
    [InlineData("not http at all\r\n\r\n")]
    public async Task Get_MalformedResponseHead_502AndEdgeKeepsServing(string response)
    {
        using var upstream = ScriptedUpstream.Answering(response);
        using var good = ScriptedUpstream.Answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);
        edge.Routes.Hosts["good.test"] = TableRoutes.Forward("good", [good.Port]);

        Assert.Equal(HttpStatusCode.BadGateway, (await GetAsync(client, edge)).Status);
        using var request = EdgeHarness.Get(edge, "good.test");
        using var response2 = await client.SendAsync(request);
        Assert.Equal("ok", await response2.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_UpstreamClosesMidBody_ClientSeesTheResponseBrokenNotComplete()
    {
        using var upstream = ScriptedUpstream.Start(async (_, socket) =>
        {
            await ScriptedUpstream.SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
            await Task.Delay(50);
            return false;
        });
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetAsync(client, edge));
    }

    [Fact]
    public async Task Requests_UpstreamClosedIdleConnection_NextGetAndPostStillAnswered()
    {
        // The upstream answers as if keeping the connection, then closes it while it sits idle in the edge's pool.
        using var upstream = ScriptedUpstream.Start(async (_, socket) =>
        {
            await ScriptedUpstream.SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            await Task.Delay(20);
            return false;
        });
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(client, edge));
        await Task.Delay(200);
        Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(client, edge));
        await Task.Delay(200);
        Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(client, edge, method: HttpMethod.Post));
        Assert.Equal(3, upstream.Accepted);
    }

    [Fact]
    public async Task Head_WithContentLength_NoBodyAndConnectionReused()
    {
        using var upstream = ScriptedUpstream.Start(async (head, socket) =>
        {
            var body = head.StartsWith("HEAD") ? "" : "hello";
            await ScriptedUpstream.SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + body);
            return true;
        });
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        using (var request = EdgeHarness.Get(edge, "shop.test"))
        {
            request.Method = HttpMethod.Head;
            using var response = await client.SendAsync(request);
            Assert.Equal(5, response.Content.Headers.ContentLength);
        }
        Assert.Equal((HttpStatusCode.OK, "hello"), await GetAsync(client, edge));
        Assert.Equal(1, upstream.Accepted);
    }

    [Fact]
    public async Task Response_RepeatedSetCookieAndOddHeaderCase_EachKept()
    {
        using var upstream = ScriptedUpstream.Answering(
            "HTTP/1.1 200 OK\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nx-custom-HEADER: v\r\ncontent-length: 2\r\nKeep-Alive: timeout=5\r\n\r\nok");
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        using var request = EdgeHarness.Get(edge, "shop.test");
        using var response = await client.SendAsync(request);
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("v", response.Headers.GetValues("X-Custom-Header").Single());
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_ChunkedFromClient_UpstreamGetsChunkedFraming()
    {
        string? seenHead = null;
        using var upstream = ScriptedUpstream.Start(async (head, socket) =>
        {
            seenHead = head;
            // The scripted upstream does not read chunked bodies: answer and close.
            await ScriptedUpstream.SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            return false;
        });
        await using var setup = await EdgeTo(upstream);
        var (edge, client) = (setup.Edge, setup.Client);

        using var request = EdgeHarness.Get(edge, "shop.test");
        request.Method = HttpMethod.Post;
        request.Content = new StreamContent(new MemoryStream("streamed"u8.ToArray()));
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Contains("Transfer-Encoding: chunked", seenHead);
        Assert.DoesNotContain("Content-Length", seenHead);
    }
}

/// <summary>The connection sweeper: an upstream that stalls mid-body, and a client that leaves while the upstream
/// thinks.</summary>
public class Http1UpstreamDeadlineTests
{
    [Fact]
    public async Task Get_UpstreamStallsMidBody_ClientConnectionAbortedAtTheTimeoutNotLeftWaiting()
    {
        using var upstream = ScriptedUpstream.Start(async (_, socket) =>
        {
            await ScriptedUpstream.SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
            await Task.Delay(TimeSpan.FromSeconds(60));
            return false;
        });
        await using var edge = await EdgeHarness.StartAsync(new Podway.Edge.Serving.EdgeServerOptions { ResponseHeaderTimeout = TimeSpan.FromMilliseconds(300) });
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [upstream.Port]);
        using var client = EdgeHarness.Client();
        client.Timeout = TimeSpan.FromSeconds(20); // ours must end it first: the client would throw TaskCanceledException

        using var request = EdgeHarness.Get(edge, "shop.test");
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await client.SendAsync(request);
            await response.Content.ReadAsStringAsync();
        });
        Assert.IsType<HttpRequestException>(failure);
    }

    [Fact]
    public async Task Get_ClientLeavesWhileUpstreamThinks_UpstreamConnectionClosed()
    {
        var upstreamSawClose = new TaskCompletionSource();
        using var upstream = ScriptedUpstream.Start(async (_, socket) =>
        {
            // Never answers; the edge closing the connection ends this receive (0 bytes, or a reset).
            try
            {
                if (await socket.ReceiveAsync(new byte[1], System.Net.Sockets.SocketFlags.None) == 0) upstreamSawClose.TrySetResult();
            }
            catch (System.Net.Sockets.SocketException) { upstreamSawClose.TrySetResult(); }
            return false;
        });
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [upstream.Port]);
        using var client = EdgeHarness.Client();

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var request = EdgeHarness.Get(edge, "shop.test");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(request, cancel.Token));

        var finished = await Task.WhenAny(upstreamSawClose.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == upstreamSawClose.Task, "the edge kept the upstream connection of a request whose client left");
        Assert.Contains("\" 499 ", await edge.Log.LineContainingAsync("upstream=127.0.0.1"));
    }
}
