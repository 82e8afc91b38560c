using System.Text.RegularExpressions;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Annotations;

/// <summary>ingress-nginx's canary Ingresses: attached to the main route of the same host and path, decided by header,
/// then cookie, then weight (balancer.lua's route_to_alternative_balancer).</summary>
public class CanaryTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    static readonly EdgeConfig Config = Build(
    [
        Ingress("shop", "main", 30, [Rule("shop.example.com", Path("/", "Prefix", Backend("v1", 80)))]),
        Ingress("shop", "canary", 10, [Rule("shop.example.com", Path("/", "Prefix", Backend("v2", 80)))],
            annotations: new() { [P + "canary"] = "true", [P + "canary-weight"] = "20", [P + "canary-by-header"] = "X-Canary" }),
        Ingress("shop", "orphan", 10, [Rule("orphan.example.com", Path("/", "Prefix", Backend("v2", 80)))],
            annotations: new() { [P + "canary"] = "true", [P + "canary-weight"] = "200" }),
    ]);

    [Fact]
    public void CanaryIngress_AttachesToTheMainRoute_AndServesNothingOfItsOwn()
    {
        var forward = Assert.IsType<RouteDecision.Forward>(Config.Route("shop.example.com", "/cart", isHttps: false));
        Assert.Equal("shop/main→v1:80", Show(forward));
        Assert.Equal("v2:80", forward.Canary!.Backend.Display);
        Assert.Equal(20, forward.Canary.Weight);
        Assert.DoesNotContain(Config.Problems, p => p.Reason == EdgeConfigBuilder.ConflictReason); // not a path conflict
        Assert.Equal("404", Show(Config.Route("orphan.example.com", "/", isHttps: false)));
        Assert.Contains(Config.Problems, p => p.Ingress.Name == "orphan" && p.Message.Contains("has no main Ingress"));
        Assert.Contains(Config.Problems, p => p.Ingress.Name == "orphan" && p.Message.Contains(P + "canary-weight"));
        Assert.DoesNotContain(Config.Problems, p => p.Reason == UnsupportedAnnotations.Reason);
    }

    [Fact]
    public void CanaryIngress_OtherImplementedAnnotations_AreWarnedAsIgnored()
    {
        var config = Build(
        [
            Ingress("shop", "main", 30, [Rule("shop.example.com", Path("/", "Prefix", Backend("v1", 80)))]),
            Ingress("shop", "canary", 10, [Rule("shop.example.com", Path("/", "Prefix", Backend("v2", 80)))],
                annotations: new() { [P + "canary"] = "true", [P + "proxy-body-size"] = "8m" }),
        ]);
        var problem = Assert.Single(config.Problems, p => p.Reason == UnsupportedAnnotations.Reason);
        Assert.Equal($"annotation {P}proxy-body-size is ignored on a canary Ingress: the main Ingress's settings apply (as with ingress-nginx)", problem.Message);
    }

    [Theory]
    [InlineData("HTTPS", true)]
    [InlineData("GRPC", true)]
    [InlineData("HTTP", false)]
    public void ProxySendTimeout_WithAnotherBackendProtocol_IsWarnedAsWithoutEffect(string protocol, bool warned)
    {
        var config = Build(
        [
            Ingress("shop", "main", 30, [Rule("shop.example.com", Path("/", "Prefix", Backend("v1", 80)))],
                annotations: new() { [P + "proxy-send-timeout"] = "5", [P + "backend-protocol"] = protocol }),
        ]);
        var problems = config.Problems.Where(p => p.Reason == UnsupportedAnnotations.Reason).Select(p => p.Message).ToList();
        if (warned)
            Assert.Equal([$"annotation {P}proxy-send-timeout has no effect with backend-protocol {protocol}: podway's edge applies it to HTTP/1.1 upstreams only"], problems);
        else Assert.Empty(problems);
    }

    static readonly BackendPool Pool = new("shop", "v2", "v2:80", [], null);

    static CanaryRule Canary(string? header = null, string? value = null, string? pattern = null, string? cookie = null, int weight = 0, int total = 100) =>
        new(Pool, new IngressRef("shop", "canary"), header, value, pattern is null ? null : new Regex(pattern), cookie, weight, total);

    static bool Decide(CanaryRule rule, string? header = null, string? cookie = null, int seed = 1) =>
        rule.Chooses(_ => header, _ => cookie, new Random(seed));

    [Fact]
    public void Header_AlwaysNeverValueAndPattern()
    {
        Assert.True(Decide(Canary(header: "X-Canary"), header: "always"));
        Assert.False(Decide(Canary(header: "X-Canary", weight: 100), header: "never"));     // never beats weight
        Assert.False(Decide(Canary(header: "X-Canary"), header: "yes"));                   // other values: next rules
        Assert.True(Decide(Canary(header: "X-Canary", value: "v2"), header: "v2"));
        Assert.False(Decide(Canary(header: "X-Canary", value: "v2"), header: "always"));   // with a value, always is just a value
        Assert.True(Decide(Canary(header: "X-Canary", pattern: "^(beta|internal)$"), header: "internal"));
        Assert.False(Decide(Canary(header: "X-Canary", pattern: "^(beta|internal)$"), header: "public"));
        Assert.True(Decide(Canary(header: "X-Canary", value: "v2", pattern: "nothing"), header: "v2")); // value wins over pattern
    }

    [Fact]
    public void Precedence_HeaderThenCookieThenWeight()
    {
        var rule = Canary(header: "X-Canary", cookie: "canary", weight: 100);
        Assert.False(Decide(rule, header: "never", cookie: "always"));
        Assert.True(Decide(Canary(header: "X-Canary", cookie: "canary"), header: "always", cookie: "never"));
        Assert.True(Decide(Canary(cookie: "canary"), cookie: "always"));
        Assert.False(Decide(Canary(cookie: "canary", weight: 100), cookie: "never"));
        Assert.True(Decide(Canary(cookie: "canary", weight: 100), cookie: "other"));
    }

    [Theory]
    [InlineData(0, 100, 0)]
    [InlineData(100, 100, 10000)]
    [InlineData(20, 100, 2000)]
    [InlineData(10, 1000, 100)]  // canary-weight-total: 1 %
    public void Weight_ShareOfRequests(int weight, int total, int expectedOf10000)
    {
        var rule = Canary(weight: weight, total: total);
        var random = new Random(7);
        var hits = Enumerable.Range(0, 10000).Count(_ => rule.Chooses(_ => null, _ => null, random));
        Assert.InRange(hits, expectedOf10000 * 0.8, expectedOf10000 * 1.2 + 0.5);
    }
}
