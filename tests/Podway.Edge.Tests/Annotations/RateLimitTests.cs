using System.Net;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using Podway.Edge.Tests.Serving;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Annotations;

/// <summary>limit-rps / limit-connections as nginx's limit_req (burst = rate × 5, nodelay) and limit_conn, 503 past them.</summary>
public class RateLimitTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    static RateLimits Limits(string name, Dictionary<string, string> annotations)
    {
        var ingress = Ingress("web", name, 1, [], annotations: annotations.ToDictionary(a => P + a.Key, a => a.Value));
        return IngressBehaviour.Of(new AnnotationReader(ingress, new IngressRef("web", name), [])).RateLimits!;
    }

    [Fact]
    public void LimitRps_RatePlusBurstOfFiveTimesIt_ThenRefused()
    {
        var limits = Limits("rps-" + Guid.NewGuid(), new() { ["limit-rps"] = "1" });
        Assert.Equal(5, limits.Burst);
        var admitted = Enumerable.Range(0, 10).Count(_ => limits.Limiter.TryRequest("10.0.0.1"));
        Assert.Equal(6, admitted);                        // the first, then a burst of 5 (nodelay)
        Assert.True(limits.Limiter.TryRequest("10.0.0.2")); // per client
    }

    [Fact]
    public void LimitConnections_RequestsInFlightPerClient()
    {
        var limits = Limits("conn-" + Guid.NewGuid(), new() { ["limit-connections"] = "2" });
        using var one = limits.Limiter.TryEnter("10.0.0.1");
        var two = limits.Limiter.TryEnter("10.0.0.1");
        Assert.NotNull(two);
        Assert.Null(limits.Limiter.TryEnter("10.0.0.1"));
        two!.Dispose();
        Assert.NotNull(limits.Limiter.TryEnter("10.0.0.1"));
    }

    [Fact]
    public void SameSettings_SameCountersAcrossSnapshots()
    {
        var name = "keep-" + Guid.NewGuid();
        Assert.Same(Limits(name, new() { ["limit-rps"] = "3" }).Limiter, Limits(name, new() { ["limit-rps"] = "3" }).Limiter);
        Assert.NotSame(Limits(name, new() { ["limit-rps"] = "3" }).Limiter, Limits(name, new() { ["limit-rps"] = "4" }).Limiter);
    }

    [Fact]
    public async Task LimitRps_OverTheBurst_503_ExemptClientsNever()
    {
        await using var backend = await Podway.Edge.Tests.Serving.Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        using var client = EdgeHarness.Client();
        var name = "served-" + Guid.NewGuid().ToString("N")[..8];
        var config = Build([Ingress("shop", name, 1, [Rule("shop.test", Path("/", "Prefix", Backend("web", 80)))],
            annotations: new() { [P + "limit-rps"] = "1" })]);
        var forward = (RouteDecision.Forward)config.Route("shop.test", "/", isHttps: false);
        edge.Routes.Hosts["shop.test"] = forward with { Backend = TableRoutes.Forward("web", [backend.Port]).Backend };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, statuses[^1]);

        var exempt = Build([Ingress("shop", name + "-x", 1, [Rule("shop.test", Path("/", "Prefix", Backend("web", 80)))],
            annotations: new() { [P + "limit-rps"] = "1", [P + "limit-whitelist"] = "127.0.0.0/8" })]);
        edge.Routes.Hosts["shop.test"] = ((RouteDecision.Forward)exempt.Route("shop.test", "/", isHttps: false)) with { Backend = TableRoutes.Forward("web", [backend.Port]).Backend };
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
