using static Podway.E2E.Gateway.Case;
using static Podway.E2E.Gateway.GatewayConformance;

namespace Podway.E2E.Gateway;

/// <summary>HTTPRoute matching as the upstream conformance tests of the same names check it (v1.4.0
/// conformance/tests/*.go: their manifests and request → backend expectations), against podway's GatewayClass.</summary>
[Collection("cluster")]
public sealed class HttpRouteMatchingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task HTTPRouteSimpleSameNamespace_RoutesToTheBackendAndReportsAcceptedResolved()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-simple-same-namespace");
        await RouteConditionAsync(cluster, "gateway-conformance-infra-test", "same-namespace", "Accepted", "True Accepted");
        await RouteConditionAsync(cluster, "gateway-conformance-infra-test", "same-namespace", "ResolvedRefs", "True ResolvedRefs");
        await ExpectAsync(await AddressAsync(cluster, "same-namespace"), new Case("/", "infra-backend-v1"));
    }

    [Fact]
    public async Task HTTPRouteMatching_PathPrefixAndHeaderMatchesOrMatchesOfARule()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-matching");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/", "infra-backend-v1"), new Case("/example", "infra-backend-v1"),
            new Case("/", "infra-backend-v1") { Headers = H("Version", "one") },
            new Case("/v2", "infra-backend-v2"), new Case("/v2/example", "infra-backend-v2"),
            new Case("/", "infra-backend-v2") { Headers = H("Version", "two") });
    }

    [Fact]
    public async Task HTTPRouteExactPathMatching_ComparesTheWholePathCaseSensitively()
    {
        await using var exact = await ApplyTestAsync(cluster, "httproute-exact-path-matching");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/one", "infra-backend-v1"), new Case("/two", "infra-backend-v2"),
            new Case("/", null, 404), new Case("/one/example", null, 404), new Case("/two/", null, 404), new Case("/Two", null, 404));
    }

    [Fact]
    public async Task HTTPRouteHeaderMatching_AllHeadersOfAMatchAndRegularExpressions()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-header-matching");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/", "infra-backend-v1") { Headers = H("Version", "one") },
            new Case("/", "infra-backend-v2") { Headers = H("Version", "two") },
            new Case("/", "infra-backend-v1") { Headers = H("Version", "two", "Color", "orange") },
            new Case("/", "infra-backend-v2") { Headers = H("Version", "two", "Color", "blue") },
            new Case("/", null, 404) { Headers = H("Color", "orange") },
            new Case("/", null, 404) { Headers = H("Some-Other-Header", "one") },
            new Case("/", "infra-backend-v1") { Headers = H("Color", "blue") },
            new Case("/", "infra-backend-v1") { Headers = H("Color", "green") },
            new Case("/", "infra-backend-v2") { Headers = H("Color", "red") },
            new Case("/", "infra-backend-v2") { Headers = H("Color", "yellow") },
            new Case("/", null, 404) { Headers = H("Color", "purple") });
    }

    [Fact]
    public async Task HTTPRouteQueryParamMatching_WithPrecedenceOverPathsAndHeaders()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-query-param-matching");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/?animal=whale", "infra-backend-v1"), new Case("/?animal=dolphin", "infra-backend-v2"),
            new Case("/?animal=dolphin&color=blue", "infra-backend-v3"), new Case("/?ANIMAL=Whale", "infra-backend-v3"),
            new Case("/?animal=whale&otherparam=irrelevant", "infra-backend-v1"),
            new Case("/?animal=dolphin&color=yellow", "infra-backend-v2"),
            new Case("/?color=blue", null, 404), new Case("/?animal=dog", null, 404),
            new Case("/?animal=whaledolphin", null, 404), new Case("/", null, 404),
            new Case("/path1?animal=whale", "infra-backend-v1"),
            new Case("/?animal=whale", "infra-backend-v2") { Headers = H("version", "one") },
            new Case("/path2?animal=whale", "infra-backend-v3") { Headers = H("version", "two") },
            new Case("/path3?animal=shark", "infra-backend-v1"),
            new Case("/path4?animal=kraken", "infra-backend-v1") { Headers = H("version", "three") },
            new Case("/?animal=shark", null, 404), new Case("/path4?animal=kraken", null, 404),
            new Case("/path5?animal=hydra", "infra-backend-v1"),
            new Case("/?animal=hydra", "infra-backend-v3") { Headers = H("version", "four") });
    }

    [Fact]
    public async Task HTTPRouteMethodMatching_WithPrecedence()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-method-matching");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/", "infra-backend-v1") { Method = "POST" }, new Case("/", "infra-backend-v2"),
            new Case("/", null, 404) { Method = "HEAD" }, new Case("/path1", "infra-backend-v1"),
            new Case("/", "infra-backend-v2") { Method = "PUT", Headers = H("version", "one") },
            new Case("/path2", "infra-backend-v3") { Method = "POST", Headers = H("version", "two") },
            new Case("/path3", "infra-backend-v1") { Method = "PATCH" },
            new Case("/path4", "infra-backend-v1") { Method = "DELETE", Headers = H("version", "three") },
            new Case("/", null, 404) { Method = "PUT" }, new Case("/path4", null, 404) { Method = "DELETE" },
            new Case("/path5", "infra-backend-v1") { Method = "PATCH" },
            new Case("/", "infra-backend-v2") { Method = "PATCH", Headers = H("version", "four") });
    }

    [Fact]
    public async Task HTTPRouteMatchingAcrossRoutes_RulesOfRoutesForOneHostMerge()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-matching-across-routes");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/", "infra-backend-v1") { Host = "example.com" },
            new Case("/example", "infra-backend-v1") { Host = "example.com" },
            new Case("/example", "infra-backend-v1") { Host = "example.net" },
            new Case("/example", "infra-backend-v1") { Host = "example.com", Headers = H("Version", "one") },
            new Case("/v2", "infra-backend-v2") { Host = "example.com" },
            new Case("/v2", "infra-backend-v1") { Host = "example.net" },
            new Case("/v2/example", "infra-backend-v2") { Host = "example.com" },
            new Case("/", "infra-backend-v2") { Host = "example.com", Headers = H("Version", "two") });
    }

    [Fact]
    public async Task HTTPRouteHostnameIntersection_RouteAndListenerHostnames()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-hostname-intersection");
        var address = await AddressAsync(cluster, "httproute-hostname-intersection");
        await ExpectAllAsync(address,
            new Case("/s1", "infra-backend-v1") { Host = "very.specific.com" },
            new Case("/s1", "infra-backend-v1") { Host = "very.specific.com:1234" },
            new Case("/s1", null, 404) { Host = "non.matching.com" },
            new Case("/s1", null, 404) { Host = "foo.nonmatchingwildcard.io" },
            new Case("/s1", null, 404) { Host = "foo.wildcard.io" },
            new Case("/s2", "infra-backend-v2") { Host = "foo.wildcard.io" },
            new Case("/s2", "infra-backend-v2") { Host = "foo.bar.wildcard.io" },
            new Case("/s2", null, 404) { Host = "wildcard.io" },
            new Case("/s2", null, 404) { Host = "very.specific.com" },
            new Case("/s3", "infra-backend-v3") { Host = "very.specific.com" },
            new Case("/s3", null, 404) { Host = "foo.specific.com" },
            new Case("/s4", "infra-backend-v1") { Host = "foo.anotherwildcard.io" },
            new Case("/s4", "infra-backend-v1") { Host = "foo.bar.anotherwildcard.io" },
            new Case("/s4", null, 404) { Host = "anotherwildcard.io" },
            new Case("/s5", null, 404) { Host = "wildcard.io" });
        await RouteConditionAsync(cluster, "no-intersecting-hosts", "httproute-hostname-intersection", "Accepted", "False NoMatchingListenerHostname");
        var all = await AddressAsync(cluster, "httproute-hostname-intersection-all");
        await ExpectAllAsync(all,
            new Case("/", "infra-backend-v2") { Host = "sub.first.com" }, new Case("/", "infra-backend-v2") { Host = "second.com" },
            new Case("/", "infra-backend-v2") { Host = "sub.second.com" }, new Case("/", null, 404) { Host = "third.com" },
            new Case("/", null, 404) { Host = "sub.third.com" });
    }

    [Fact]
    public async Task HTTPRouteListenerHostnameMatching_MostSpecificListenerWins()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-listener-hostname-matching");
        var address = await AddressAsync(cluster, "httproute-listener-hostname-matching");
        await ExpectAllAsync(address,
            new Case("/", "infra-backend-v1") { Host = "bar.com" }, new Case("/", "infra-backend-v2") { Host = "foo.bar.com" },
            new Case("/", "infra-backend-v3") { Host = "baz.bar.com" }, new Case("/", "infra-backend-v3") { Host = "boo.bar.com" },
            new Case("/", "infra-backend-v3") { Host = "multiple.prefixes.bar.com" },
            new Case("/", "infra-backend-v3") { Host = "multiple.prefixes.foo.com" },
            new Case("/", null, 404) { Host = "foo.com" }, new Case("/", null, 404) { Host = "no.matching.host" });
    }
}
