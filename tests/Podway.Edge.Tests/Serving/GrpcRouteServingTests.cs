using System.Net;
using System.Text.Json.Nodes;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;
using Podway.Edge.Serving;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Serving;

/// <summary>A Gateway port's data plane with GRPCRoutes: gRPC calls over h2c prior knowledge to the edge, matched by
/// method and header, forwarded over h2c to real Kestrel backends that speak HTTP/2 only, with the route's header
/// filters and mirror; calls nothing matches are answered UNIMPLEMENTED, calls for an invalid backend UNAVAILABLE.</summary>
public sealed class GrpcRouteServingTests : IAsyncLifetime
{
    const int TargetPort = 20000;
    Backend _v1 = null!, _v2 = null!, _mirror = null!;
    EdgeServer _edge = null!;

    static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    public async Task InitializeAsync()
    {
        _v1 = await Backend.StartAsync("v1", http2Only: true);
        _v2 = await Backend.StartAsync("v2", http2Only: true);
        _mirror = await Backend.StartAsync("mirror", http2Only: true);
        var route = J("""
            {"metadata":{"namespace":"infra","name":"grpc","creationTimestamp":"2026-12-01T00:00:00Z"},"spec":{"parentRefs":[{"name":"gw"}],"rules":[
             {"matches":[{"method":{"service":"echo.Echo","method":"One"}}],"backendRefs":[{"name":"v1","port":8080}],
              "filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"x-added","value":"yes"}]}},
                         {"type":"ResponseHeaderModifier","responseHeaderModifier":{"add":[{"name":"x-route","value":"grpc"}]}},
                         {"type":"RequestMirror","requestMirror":{"backendRef":{"name":"mirror","port":8080}}}]},
             {"matches":[{"method":{"service":"echo.Echo"}},{"headers":[{"name":"version","value":"two"}]}],"backendRefs":[{"name":"v2","port":8080}]},
             {"matches":[{"method":{"service":"broken.Svc"}}],"backendRefs":[{"name":"missing","port":8080}]}]}}
            """);
        var config = EdgeConfigBuilder.Build(new EdgeInputs([], [],
            [Service("infra", "v1", ("", 8080)), Service("infra", "v2", ("", 8080)), Service("infra", "mirror", ("", 8080)),
             J("""{"metadata":{"namespace":"ingress-nginx","name":"gw-infra-gw","annotations":{"podway.io/gateway":"infra/gw"}},"spec":{"ports":[{"port":80,"targetPort":20000}]},"status":{"loadBalancer":{"ingress":[{"ip":"10.250.0.130"}]}}}""")],
            [Ready("infra", "v1-x", "v1", "", _v1.Port, "127.0.0.1"), Ready("infra", "v2-x", "v2", "", _v2.Port, "127.0.0.1"),
             Ready("infra", "mirror-x", "mirror", "", _mirror.Port, "127.0.0.1"), Ready("ingress-nginx", "gw-x", "gw-infra-gw", "", TargetPort, "10.244.0.9")],
            [], Fake)
        {
            Gateway = new GatewayInputs(
                [J("""{"metadata":{"name":"podway"},"spec":{"controllerName":"podway.io/gateway-controller"}}""")],
                [J("""{"metadata":{"namespace":"infra","name":"gw"},"spec":{"gatewayClassName":"podway","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]}}""")],
                [], [], [J("""{"metadata":{"name":"infra"}}""")]) { GrpcRoutes = [route] },
        });
        _edge = new EdgeServer(() => config, new EdgeServerOptions { Http = new IPEndPoint(IPAddress.Loopback, 0), GatewayPort = TargetPort });
        await _edge.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
        await _mirror.DisposeAsync();
    }

    /// <summary>A gRPC-shaped call: POST over HTTP/2 prior knowledge, content-type application/grpc, one empty message.</summary>
    async Task<HttpResponseMessage> CallAsync(string path, string? version = null)
    {
        using var client = EdgeHarness.Client(HttpVersion.Version20);
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_edge.HttpPort}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        if (version is not null) request.Headers.Add("version", version);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    static string? Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task Call_MatchedByServiceAndMethod_ForwardedOverH2cWithTheRulesFilters()
    {
        using var response = await CallAsync("/echo.Echo/One");
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("v1", Header(response, "X-Backend"));
        Assert.Equal("grpc", Header(response, "x-route"));
        // The mirror gets the call too (its answer is dropped); it arrives shortly after.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref _mirror.Requests) == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(1, Volatile.Read(ref _mirror.Requests));
    }

    [Fact]
    public async Task Call_ServiceOnlyOrHeaderMatch_GoesToTheSecondRule()
    {
        Assert.Equal("v2", Header(await CallAsync("/echo.Echo/Two"), "X-Backend"));
        Assert.Equal("v2", Header(await CallAsync("/other.Svc/Any", version: "two"), "X-Backend"));
    }

    [Fact]
    public async Task Call_NothingMatches_IsUnimplementedAsATrailersOnlyResponse()
    {
        using var response = await CallAsync("/other.Svc/Any");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("12", Header(response, "grpc-status"));
        Assert.Equal(0, _v1.Requests + _v2.Requests);
    }

    [Fact]
    public async Task Call_ForAnInvalidBackend_IsUnavailable()
    {
        using var response = await CallAsync("/broken.Svc/Any");
        Assert.Equal("14", Header(response, "grpc-status"));
    }

    [Fact]
    public async Task PlainHttpRequest_NothingMatches_Is404()
    {
        using var client = EdgeHarness.Client(HttpVersion.Version20);
        using var response = await client.GetAsync($"http://127.0.0.1:{_edge.HttpPort}/echo.Echo/One");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // not a gRPC call: GRPCRoutes do not take it
    }
}
