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
}
