using System.Net;
using System.Net.Sockets;
using System.Text;
using Podway.Edge.Serving;

namespace Podway.Edge.Tests.Serving;

public class FailureTests
{
    [Fact]
    public async Task Get_OneEndpointRefuses_EveryRequestAnsweredByTheOther()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [EdgeHarness.ClosedPort(), backend.Port]);
        using var client = EdgeHarness.Client();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(20, backend.Requests);
    }

    [Fact]
    public async Task Post_OneEndpointRefuses_BodySentToTheOther()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [EdgeHarness.ClosedPort(), EdgeHarness.ClosedPort(), backend.Port]);
        using var client = EdgeHarness.Client();

        for (var i = 0; i < 10; i++)
        {
            using var request = EdgeHarness.Get(edge, "shop.test", "/sha256");
            request.Method = HttpMethod.Post;
            request.Content = new StringContent("payload " + i);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("payload " + i))),
                await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Get_OneEndpointConnectTimesOut_AnsweredByTheOther()
    {
        using var blackhole = await BrokenUpstream.BlackholeAsync();
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync(new EdgeServerOptions { ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [blackhole.Port, backend.Port]);
        using var client = EdgeHarness.Client();

        for (var i = 0; i < 6; i++)
        {
            using var request = EdgeHarness.Get(edge, "shop.test", "/sha256");
            request.Method = HttpMethod.Post;
            request.Content = new StringContent("x");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Get_OnlyEndpointConnectTimesOut_502()
    {
        using var blackhole = await BrokenUpstream.BlackholeAsync();
        await using var edge = await EdgeHarness.StartAsync(new EdgeServerOptions { ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [blackhole.Port]);
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Get_EndpointClosesBeforeResponse_IdempotentRequestRetriedOnTheOther()
    {
        using var closer = BrokenUpstream.Closer();
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [closer.Port, backend.Port]);
        using var client = EdgeHarness.Client();

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.True(closer.Accepted > 0);
    }

    [Fact]
    public async Task Post_EndpointClosesBeforeResponse_NotResent502()
    {
        using var closer = BrokenUpstream.Closer();
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [closer.Port, EdgeHarness.ClosedPort()]);
        using var client = EdgeHarness.Client();

        using var request = EdgeHarness.Get(edge, "shop.test", "/order");
        request.Method = HttpMethod.Post;
        request.Content = new StringContent("buy once");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, closer.Accepted);
    }

    [Fact]
    public async Task Get_AllEndpointsRefuse_502()
    {
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [EdgeHarness.ClosedPort(), EdgeHarness.ClosedPort()]);
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/down"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains(" 502 ", await edge.Log.LineContainingAsync("/down"));
    }

    [Fact]
    public async Task Get_UpstreamSlowerThanHeaderTimeout_504()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync(new EdgeServerOptions { ResponseHeaderTimeout = TimeSpan.FromMilliseconds(300) });
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var slow = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/slow"));
        using var fast = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/fast"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
    }

    [Fact]
    public async Task Garbage_OverRawSocket_400AndServerKeepsServing()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);

        string answer;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, edge.Server.HttpPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes("\u0001\u0002GARBAGE \u00ff\u00fe nonsense\r\n\r\n"));
            var buffer = new byte[4096];
            var read = await socket.ReceiveAsync(buffer);
            answer = Encoding.ASCII.GetString(buffer, 0, read);
        }
        using var client = EdgeHarness.Client();
        using var after = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Get_ClientGoneMidResponse_ServerKeepsServing()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);

        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, edge.Server.HttpPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /big?bytes=104857600 HTTP/1.1\r\nHost: shop.test\r\n\r\n"));
            var buffer = new byte[4096];
            await socket.ReceiveAsync(buffer);
        }
        using var client = EdgeHarness.Client();
        using var after = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains(" 499 ", await edge.Log.LineContainingAsync("/big"));
    }
}
