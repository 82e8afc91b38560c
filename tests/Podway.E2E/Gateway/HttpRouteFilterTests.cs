using static Podway.E2E.Gateway.Case;
using static Podway.E2E.Gateway.GatewayConformance;

namespace Podway.E2E.Gateway;

/// <summary>HTTPRoute filters, weights and timeouts as the upstream conformance tests of the same names check them
/// (v1.4.0), against podway's GatewayClass.</summary>
[Collection("cluster")]
public sealed class HttpRouteFilterTests(ClusterFixture cluster)
{
    [Fact]
    public async Task HTTPRouteRequestHeaderModifier_SetAddRemove()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-request-header-modifier");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/set", "infra-backend-v1") { Headers = H("Some-Other-Header", "val"), BackendHeaders = H("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values") },
            new Case("/set", "infra-backend-v1") { Headers = H("X-Header-Set", "some-other-value"), BackendHeaders = H("X-Header-Set", "set-overwrites-values") },
            new Case("/add", "infra-backend-v1") { Headers = H("Some-Other-Header", "val"), BackendHeaders = H("X-Header-Add", "add-appends-values") },
            new Case("/add", "infra-backend-v1") { Headers = H("X-Header-Add", "some-other-value"), BackendHeaders = H("X-Header-Add", "some-other-value,add-appends-values") },
            new Case("/remove", "infra-backend-v1") { Headers = H("X-Header-Remove", "val"), AbsentBackendHeaders = ["X-Header-Remove"] });
    }

    [Fact]
    public async Task HTTPRouteResponseHeaderModifier_SetAddRemoveOnTheBackendsAnswer()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-response-header-modifier");
        var address = await AddressAsync(cluster, "same-namespace");
        // echo-basic sets the response headers X-Echo-Set-Header names (the suite's BackendSetResponseHeaders).
        await ExpectAllAsync(address,
            new Case("/set", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "Some-Other-Header: val"), ResponseHeaders = H("Some-Other-Header", "val", "X-Header-Set", "set-overwrites-values") },
            new Case("/set", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "X-Header-Set: some-other-value"), ResponseHeaders = H("X-Header-Set", "set-overwrites-values") },
            new Case("/add", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "X-Header-Add: some-other-value"), ResponseHeaders = H("X-Header-Add", "some-other-value,add-appends-values") },
            new Case("/remove", "infra-backend-v1") { Headers = H("X-Echo-Set-Header", "X-Header-Remove: val"), AbsentResponseHeaders = ["X-Header-Remove"] });
    }

    [Fact]
    public async Task HTTPRouteRedirectPathHostStatusSchemePort_Locations()
    {
        await using var path = await ApplyTestAsync(cluster, "httproute-redirect-path");
        await using var hostAndStatus = await ApplyTestAsync(cluster, "httproute-redirect-host-and-status");
        await using var scheme = await ApplyTestAsync(cluster, "httproute-redirect-scheme");
        await using var port = await ApplyTestAsync(cluster, "httproute-redirect-port");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/original-prefix/lemon", null, 302) { Location = $"http://{address}/replacement-prefix/lemon" },
            new Case("/full/path/original", null, 302) { Location = $"http://{address}/full-path-replacement" },
            new Case("/path-and-host", null, 302) { Location = "http://example.org/replacement-prefix" },
            new Case("/path-and-status", null, 301) { Location = $"http://{address}/replacement-prefix" },
            new Case("/full-path-and-host", null, 302) { Location = "http://example.org/replacement-full" },
            new Case("/full-path-and-status", null, 301) { Location = $"http://{address}/replacement-full" },
            new Case("/hostname-redirect", null, 302) { Location = "http://example.org/hostname-redirect" },
            new Case("/host-and-status", null, 301) { Location = "http://example.org/host-and-status" },
            new Case("/scheme", null, 302) { Location = $"https://{address}/scheme" },
            new Case("/scheme-and-host", null, 302) { Location = "https://example.org/scheme-and-host" },
            new Case("/scheme-and-status", null, 301) { Location = $"https://{address}/scheme-and-status" },
            new Case("/port", null, 302) { Location = $"http://{address}:8083/port" },
            new Case("/port-and-host", null, 302) { Location = "http://example.org:8083/port-and-host" },
            new Case("/port-and-status", null, 301) { Location = $"http://{address}:8083/port-and-status" });
    }

    [Fact]
    public async Task HTTPRouteRewritePathAndHost_WhatTheBackendReceives()
    {
        await using var path = await ApplyTestAsync(cluster, "httproute-rewrite-path");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/prefix/one/two", "infra-backend-v1") { BackendPath = "/one/two" },
            new Case("/strip-prefix/three", "infra-backend-v1") { BackendPath = "/three" },
            new Case("/strip-prefix", "infra-backend-v1") { BackendPath = "/" },
            new Case("/full/one/two", "infra-backend-v1") { BackendPath = "/one" },
            new Case("/full/rewrite-path-and-modify-headers/test", "infra-backend-v1")
            {
                Headers = H("X-Header-Remove", "remove-val", "X-Header-Add-Append", "append-val-1", "X-Header-Set", "set-val"),
                BackendPath = "/test",
                BackendHeaders = H("X-Header-Add", "header-val-1", "X-Header-Add-Append", "append-val-1,header-val-2", "X-Header-Set", "set-overwrites-values"),
                AbsentBackendHeaders = ["X-Header-Remove"],
            },
            new Case("/prefix/rewrite-path-and-modify-headers/one", "infra-backend-v1") { BackendPath = "/prefix/one" });
        await path.DisposeAsync();

        await using var host = await ApplyTestAsync(cluster, "httproute-rewrite-host");
        await ExpectAllAsync(address,
            new Case("/one", "infra-backend-v1") { Host = "rewrite.example", BackendHost = "one.example.org" },
            new Case("/two", "infra-backend-v2") { Host = "rewrite.example", BackendHost = "example.org" });
    }

    [Fact]
    public async Task HTTPRouteWeight_SplitsAsTheWeightsSay()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-weight");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAsync(address, new Case("/", null));
        // The manifest's weights are 70/30/0 (v1/v2/v3); upstream allows a tolerance, so do we over 300 requests.
        var counts = new Dictionary<string, int>();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < 300; i++)
        {
            var body = await client.GetStringAsync($"http://{address}/");
            var pod = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("pod").GetString()!;
            var backend = pod[..pod.LastIndexOf('-', pod.LastIndexOf('-') - 1)];
            counts[backend] = counts.GetValueOrDefault(backend) + 1;
        }
        Assert.InRange(counts.GetValueOrDefault("infra-backend-v1"), 170, 250);
        Assert.InRange(counts.GetValueOrDefault("infra-backend-v2"), 50, 130);
        Assert.Equal(0, counts.GetValueOrDefault("infra-backend-v3"));
    }

    [Fact]
    public async Task HTTPRouteRequestMirror_TheMirrorBackendGetsACopy()
    {
        await using var _ = await ApplyTestAsync(cluster, "httproute-request-mirror");
        var address = await AddressAsync(cluster, "same-namespace");
        var marker = "/mirror?probe=" + Guid.NewGuid().ToString("N")[..8];
        await ExpectAsync(address, new Case(marker, "infra-backend-v1"));
        // The mirror's answer is dropped; its log shows it received the request (upstream reads the logs too).
        await Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("logs", "-n", Infra, "-l", "app=infra-backend-v2", "--tail=-1")).Stdout,
            logs => logs.Contains($"Echoing back request made to {marker}"), "the mirror backend logs the request");
    }

    [Fact]
    public async Task HTTPRouteTimeouts_RequestAndBackendRequestAnswer504()
    {
        await using var request = await ApplyTestAsync(cluster, "httproute-timeout-request");
        await using var backend = await ApplyTestAsync(cluster, "httproute-timeout-backend-request");
        var address = await AddressAsync(cluster, "same-namespace");
        await ExpectAllAsync(address,
            new Case("/request-timeout", "infra-backend-v1"),
            new Case("/request-timeout?delay=1s", null, 504),
            new Case("/disable-request-timeout?delay=1s", "infra-backend-v1"),
            new Case("/backend-timeout", "infra-backend-v1"),
            new Case("/backend-timeout?delay=1s", null, 504),
            new Case("/disable-backend-timeout?delay=1s", "infra-backend-v1"));
    }
}
