using System.Net;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using Podway.Edge.Serving;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Serving;

/// <summary>`affinity: cookie`: the first answer sets INGRESSCOOKIE, later requests with it stay on that endpoint.</summary>
public class AffinityServingTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    static RouteDecision.Forward Sticky(Dictionary<string, string> annotations, params int[] ports)
    {
        var config = Build([Ingress("shop", "web", 1, [Rule("shop.test", Path("/app", "Prefix", Backend("web", 80)))],
            annotations: annotations.ToDictionary(a => P + a.Key, a => a.Value))]);
        var forward = (RouteDecision.Forward)config.Route("shop.test", "/app", isHttps: false);
        return forward with { Backend = TableRoutes.Forward("web", ports).Backend };
    }

    static HttpRequestMessage WithCookie(EdgeHarness edge, string? cookie)
    {
        var request = EdgeHarness.Get(edge, "shop.test", "/app");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return request;
    }

    [Fact]
    public async Task AffinityCookie_FirstAnswerSetsIt_LaterRequestsStayOnThatEndpoint()
    {
        await using var a = await Backend.StartAsync("web-a");
        await using var b = await Backend.StartAsync("web-b");
        await using var edge = await EdgeHarness.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, UseProxy = false }); // cookies by hand
        edge.Routes.Hosts["shop.test"] = Sticky(new() { ["affinity"] = "cookie", ["session-cookie-max-age"] = "172800", ["session-cookie-samesite"] = "Lax" }, a.Port, b.Port);

        using var first = await client.SendAsync(WithCookie(edge, null));
        var setCookie = first.Headers.GetValues("Set-Cookie").Single();
        Assert.Matches("^INGRESSCOOKIE=[0-9a-f]{32}; Path=/app; Max-Age=172800; SameSite=Lax; HttpOnly$", setCookie);
        var cookie = setCookie[..setCookie.IndexOf(';')];
        var pinnedTo = await first.Content.ReadAsStringAsync();

        for (var i = 0; i < 20; i++)
        {
            using var again = await client.SendAsync(WithCookie(edge, cookie));
            Assert.Equal(pinnedTo, await again.Content.ReadAsStringAsync());
            Assert.False(again.Headers.Contains("Set-Cookie")); // the cookie still names a usable endpoint
        }

        using var stale = await client.SendAsync(WithCookie(edge, "INGRESSCOOKIE=0123456789abcdef0123456789abcdef"));
        Assert.StartsWith("INGRESSCOOKIE=", stale.Headers.GetValues("Set-Cookie").Single());
    }

    [Theory]
    [InlineData(false, HttpStatusCode.BadGateway)]
    [InlineData(true, HttpStatusCode.OK)]
    public async Task PinnedEndpointDown_ChangeOnFailureDecides(bool changeOnFailure, HttpStatusCode expected)
    {
        await using var alive = await Backend.StartAsync("web-alive");
        var dead = EdgeHarness.ClosedPort();
        await using var edge = await EdgeHarness.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, UseProxy = false }); // cookies by hand
        var forward = Sticky(new() { ["affinity"] = "cookie", ["session-cookie-name"] = "route", ["session-cookie-change-on-failure"] = changeOnFailure ? "true" : "false" },
            alive.Port, dead);
        edge.Routes.Hosts["shop.test"] = forward;
        var deadKey = StickySession.KeyOf(forward.Backend.Usable.Single(u => u.Port == dead));

        using var response = await client.SendAsync(WithCookie(edge, $"route={deadKey}"));

        Assert.Equal(expected, response.StatusCode);
        if (changeOnFailure)
            Assert.Equal($"route={StickySession.KeyOf(forward.Backend.Usable.Single(u => u.Port == alive.Port))}",
                response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
    }
}
