using static Podway.E2E.Gateway.GatewayConformance;

namespace Podway.E2E.Gateway;

/// <summary>GatewayClass, Gateway and HTTPRoute status as the upstream conformance tests check it (v1.4.0), plus the
/// guides' 002-gateway.yaml, whose class names another controller.</summary>
[Collection("cluster")]
public sealed class GatewayStatusTests(ClusterFixture cluster)
{
    async Task<string> Jsonpath(string kind, string name, string? ns, string path)
    {
        string[] args = ns is null ? ["get", kind, name, "-o", $"jsonpath={path}"] : ["get", kind, name, "-n", ns, "-o", $"jsonpath={path}"];
        return (await cluster.KubectlAsync(args)).Stdout.Trim();
    }

    [Fact]
    public async Task GatewayClassPodway_IsInstalledAcceptedAndListsItsFeatures()
    {
        var status = await Eventually.ValueAsync(
            () => Jsonpath("gatewayclass", "podway", null, "{.spec.controllerName} {.status.conditions[?(@.type==\"Accepted\")].status} {.status.conditions[?(@.type==\"Accepted\")].reason} {.status.conditions[0].observedGeneration}"),
            s => s.Contains(" True "), "GatewayClass podway accepted");
        Assert.Equal("podway.io/gateway-controller True Accepted 1", status);
        var features = await Jsonpath("gatewayclass", "podway", null, "{.status.supportedFeatures[*].name}");
        Assert.Contains("HTTPRoute", features.Split(' '));
        Assert.Equal(features.Split(' ').Order(StringComparer.Ordinal), features.Split(' ')); // the spec: sorted by name
        var get = await cluster.KubectlAsync("get", "gatewayclass", "podway");
        Assert.Matches(@"podway\s+podway\.io/gateway-controller\s+True", get.Stdout);
    }

    [Fact]
    public async Task GuideGateway_ClassOfAnotherController_StaysWaitingForController()
    {
        var ns = await cluster.NewNamespaceAsync("gw-guide-002");
        var apply = await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "002-gateway.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        try
        {
            // What the CRD's defaults give on any cluster, and nothing more: podway does not claim example.com's class.
            await Task.Delay(TimeSpan.FromSeconds(3)); // time in which a (wrong) claim would show
            const string conditions = "{range .status.conditions[*]}{.type}={.status}/{.reason}/{.message};{end}";
            Assert.Equal("Accepted=Unknown/Pending/Waiting for controller;", await Jsonpath("gatewayclass", "prod-gateway", null, conditions));
            Assert.Equal("Accepted=Unknown/Pending/Waiting for controller;Programmed=Unknown/Pending/Waiting for controller;",
                await Jsonpath("gateway", "web-gateway", ns, conditions));
            Assert.Equal("", await Jsonpath("gateway", "web-gateway", ns, "{.status.addresses}"));
            Assert.Equal("", await Jsonpath("httproute", "web-route", ns, "{.status.parents}"));
        }
        finally
        {
            await cluster.KubectlAsync("delete", "gatewayclass", "prod-gateway", "--ignore-not-found");
        }
    }

    [Fact]
    public async Task GatewayWithAttachedRoutes_ListenerStatusCountsRoutes()
    {
        await using var _ = await ApplyTestAsync(cluster, "gateway-with-attached-routes");
        const string listener = "{.status.listeners[0].name} {.status.listeners[0].attachedRoutes} {.status.listeners[0].supportedKinds[0].kind} " +
                                "{range .status.listeners[0].conditions[*]}{.type}={.status}/{.reason} {end}";
        foreach (var (gateway, routes) in new[] { ("gateway-with-one-attached-route", 1), ("gateway-with-two-attached-routes", 2) })
        {
            // Programmed once an edge Pod serves the Gateway's Service (Pending before).
            var expected = $"http {routes} HTTPRoute Accepted=True/Accepted Conflicted=False/NoConflicts ResolvedRefs=True/ResolvedRefs Programmed=True/Programmed";
            var status = await Eventually.ValueAsync(() => Jsonpath("gateway", gateway, Infra, listener),
                s => s == expected, $"{gateway} has {routes} attached routes and is programmed");
            Assert.Equal(expected, status);
            Assert.Equal("Accepted=True/Accepted Programmed=True/Programmed",
                await Jsonpath("gateway", gateway, Infra, "{range .status.conditions[*]}{.type}={.status}/{.reason} {end}"));
            Assert.Matches(@"^10\.\d+\.\d+\.\d+ IPAddress$", await Jsonpath("gateway", gateway, Infra, "{.status.addresses[0].value} {.status.addresses[0].type}"));
            var generation = await Jsonpath("gateway", gateway, Infra, "{.metadata.generation}");
            Assert.Equal(generation, await Jsonpath("gateway", gateway, Infra, "{.status.conditions[0].observedGeneration}"));
        }
        var get = await cluster.KubectlAsync("get", "gateway", "gateway-with-one-attached-route", "-n", Infra);
        Assert.Matches(@"gateway-with-one-attached-route\s+podway\s+10\.\d+\.\d+\.\d+\s+True", get.Stdout);
    }

    [Fact]
    public async Task HTTPRouteInvalidBackendRefs_ResolvedRefsReasonsAnd500()
    {
        await using var kind = await ApplyTestAsync(cluster, "httproute-invalid-backendref-unknown-kind");
        await using var missing = await ApplyTestAsync(cluster, "httproute-invalid-nonexistent-backendref");
        await RouteConditionAsync(cluster, "invalid-backend-ref-unknown-kind", "same-namespace", "ResolvedRefs", "False InvalidKind");
        await RouteConditionAsync(cluster, "invalid-backend-ref-unknown-kind", "same-namespace", "Accepted", "True Accepted");
        await RouteConditionAsync(cluster, "invalid-nonexistent-backend-ref", "same-namespace", "ResolvedRefs", "False BackendNotFound");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address, new Case("/v2", null, 500), new Case("/", null, 500));
    }

    [Fact]
    public async Task HTTPRouteCrossNamespace_ReferenceGrantDecides()
    {
        await using (var _ = await ApplyTestAsync(cluster, "httproute-invalid-cross-namespace-backend-ref"))
        {
            await RouteConditionAsync(cluster, "invalid-cross-namespace-backend-ref", "same-namespace", "ResolvedRefs", "False RefNotPermitted");
            await ExpectAsync(await AddressAsync(cluster, "same-namespace"), new Case("/", null, 500));
        }
        await using (var _ = await ApplyTestAsync(cluster, "httproute-reference-grant"))
        {
            await RouteConditionAsync(cluster, "reference-grant", "same-namespace", "ResolvedRefs", "True ResolvedRefs");
            await ExpectAsync(await AddressAsync(cluster, "same-namespace"),
                new Case("/", "web-backend") { Namespace = "gateway-conformance-web-backend" });
        }
        // A route in a namespace the Gateway selects by label, with its backend beside it.
        await using var cross = await ApplyTestAsync(cluster, "httproute-cross-namespace");
        await RouteConditionAsync(cluster, "cross-namespace", "backend-namespaces", "Accepted", "True Accepted", ns: "gateway-conformance-web-backend");
        await ExpectAsync(await AddressAsync(cluster, "backend-namespaces"), new Case("/", "web-backend") { Namespace = "gateway-conformance-web-backend" });
    }

    [Fact]
    public async Task HTTPRouteParentRefs_SectionNamePortAndKindThatMatchNoListener()
    {
        await using var section = await ApplyTestAsync(cluster, "httproute-invalid-parentref-not-matching-section-name");
        await using var port = await ApplyTestAsync(cluster, "httproute-invalid-parentref-not-matching-listener-port");
        await using var kind = await ApplyTestAsync(cluster, "httproute-disallowed-kind");
        await RouteConditionAsync(cluster, "httproute-listener-not-matching-section-name", "same-namespace", "Accepted", "False NoMatchingParent");
        await RouteConditionAsync(cluster, "httproute-listener-not-matching-route-port", "same-namespace", "Accepted", "False NoMatchingParent");
        await RouteConditionAsync(cluster, "httproute-listener-not-matching-route-port", "same-namespace", "ResolvedRefs", "True ResolvedRefs");
        await RouteConditionAsync(cluster, "disallowed-kind", "tlsroutes-only", "Accepted", "False NotAllowedByListeners");
    }
}
