using System.Net;
using Podway.Edge.Routing;

namespace Podway.Edge.Tests.Serving;

public class RoutingVerdictTests
{
    [Fact]
    public async Task Request_NoRoute_404WithSmallBody()
    {
        await using var edge = await EdgeHarness.StartAsync();
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "nowhere.test", "/x"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("404 Not Found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_RedirectVerdict_308WithQueryAppended()
    {
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = new RouteDecision.Redirect("https://shop.test/cart");
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test", "/cart?item=3&n=1"));

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://shop.test/cart?item=3&n=1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Request_PoolWithoutUsableEndpoint_503()
    {
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = new RouteDecision.Forward(new IngressRef("shop", "web"), new BackendPool("shop", "web", "web:80",
            [new Upstream("127.0.0.1", 1, Ready: false, Serving: false, Terminating: true)], null));
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("503", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_HostWithCaseAndPort_RoutedLowerCaseWithoutPort()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var client = EdgeHarness.Client();

        using var response = await client.SendAsync(EdgeHarness.Get(edge, "Shop.TEST:8080", "/a/b?c=d"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web-1", await response.Content.ReadAsStringAsync());
        Assert.Contains(("shop.test", "/a/b", false), edge.Routes.Asked);
    }

    [Fact]
    public async Task Request_SnapshotSwapped_NextRequestUsesNewRoutes()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        using var client = EdgeHarness.Client();
        using var before = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        var next = new TableRoutes(TestCertificates.For("default.test"));
        next.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        edge.Swap(next);
        using var after = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    /// <summary>TRACE is ours to refuse (405); Kestrel itself answers an HTTP/1.1 CONNECT with 400.</summary>
    [Theory]
    [InlineData("TRACE / HTTP/1.1", "405")]
    [InlineData("CONNECT example.com:443 HTTP/1.1", "400")]
    public async Task Request_TraceOrConnect_RefusedNotForwarded(string requestLine, string status)
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);

        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, edge.Server.HttpPort);
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: shop.test\r\n\r\n"));
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer);

        Assert.StartsWith("HTTP/1.1 " + status, System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(0, backend.Requests);
    }
}
