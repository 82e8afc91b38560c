using System.Text.Json.Nodes;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Gateway;

/// <summary>GRPCRoute compiled: service/method and header matching with the spec's precedence, attachment to HTTP and
/// HTTPS listeners (supportedKinds, attachedRoutes), status per parent, and HTTPRoute/GRPCRoute hostname conflicts.</summary>
public class GrpcRouteTests
{
    const string Echo = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    static readonly JsonObject OurClass = J("""{"metadata":{"name":"podway","generation":1},"spec":{"controllerName":"podway.io/gateway-controller"}}""");

    static JsonObject Gateway(string name, string listeners) =>
        J("{\"metadata\":{\"namespace\":\"infra\",\"name\":\"" + name + "\",\"generation\":2},\"spec\":{\"gatewayClassName\":\"podway\",\"listeners\":" + listeners + "}}");

    static JsonObject GatewayService(string gateway, params (int Port, int Target)[] ports) =>
        J("{\"metadata\":{\"namespace\":\"ingress-nginx\",\"name\":\"gw-infra-" + gateway + "\",\"annotations\":{\"podway.io/gateway\":\"infra/" + gateway + "\"}},"
          + "\"spec\":{\"type\":\"LoadBalancer\",\"ports\":[" + string.Join(",", ports.Select(p => $"{{\"port\":{p.Port},\"targetPort\":{p.Target}}}")) + "]},"
          + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.250.0.130\"}]}}}");

    static JsonObject Route(string ns, string name, string spec, int ageMinutes = 10) =>
        J("{\"metadata\":{\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\",\"generation\":3,\"creationTimestamp\":\""
          + DateTimeOffset.UtcNow.AddMinutes(-ageMinutes).ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"},\"spec\":" + spec + "}");

    static EdgeConfig Build(JsonObject[] gateways, JsonObject[] grpcRoutes, JsonObject[]? httpRoutes = null, JsonObject[]? services = null, JsonObject[]? grants = null)
    {
        var edgeSlices = (services ?? []).Select(s => Ready("ingress-nginx", s["metadata"]!["name"] + "-x", (string)s["metadata"]!["name"]!, "", 20000, "10.244.0.9"));
        return EdgeConfigBuilder.Build(new EdgeInputs([], [], [.. services ?? [], Service("infra", "v1", ("", 8080)), Service("infra", "v2", ("", 8080))],
            [Ready("infra", "v1-x", "v1", "", 3000, "10.244.1.1"), Ready("infra", "v2-x", "v2", "", 3000, "10.244.1.2"), .. edgeSlices], [], Fake)
        {
            Gateway = new GatewayInputs([OurClass], gateways, httpRoutes ?? [], grants ?? [],
                [J("""{"metadata":{"name":"infra"}}"""), J("""{"metadata":{"name":"apps"}}""")]) { GrpcRoutes = grpcRoutes },
        });
    }

    static string Conditions(JsonNode? conditions) =>
        string.Join(" ", (conditions as JsonArray ?? []).Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}"));

    static string Parent(IReadOnlyDictionary<string, JsonArray> parents, string route) =>
        string.Join(" | ", parents[route].Select(p => $"{p!["parentRef"]!["name"]} {Conditions(p["conditions"])}"));

    [Theory]
    [InlineData("/" + Echo + "/Echo", true, Echo, "Echo")]
    [InlineData("/a.B/C", true, "a.B", "C")]
    [InlineData("/a.B/", false, "", "")]
    [InlineData("//C", false, "", "")]
    [InlineData("/a/b/c", false, "", "")]
    [InlineData("/", false, "", "")]
    public void TrySplitPath_TakesOnlyServiceSlashMethod(string path, bool ok, string service, string method)
    {
        Assert.Equal(ok, GrpcRouteRule.TrySplitPath(path, out var s, out var m));
        Assert.Equal((service, method), (s, m));
    }

    /// <summary>upstream GRPCExactMethodMatching and GRPCRouteHeaderMatching's rules, plus service-only, method-only and
    /// RegularExpression matches and the precedence between them.</summary>
    [Fact]
    public void Matching_MethodAndHeadersWithTheSpecsPrecedence()
    {
        var config = Build([Gateway("gw", """[{"name":"http","port":80,"protocol":"HTTP"}]""")],
        [
            Route("infra", "methods", $$$"""
                {"parentRefs":[{"name":"gw"}],"rules":[
                {"matches":[{"method":{"service":"{{{Echo}}}","method":"Echo"}}],"backendRefs":[{"name":"v1","port":8080}]},
                {"matches":[{"method":{"service":"{{{Echo}}}","method":"EchoTwo"}}],"backendRefs":[{"name":"v2","port":8080}]},
                {"matches":[{"method":{"service":"other.Svc"}}],"backendRefs":[{"name":"v1","port":8080}]},
                {"matches":[{"method":{"method":"Anywhere"}}],"backendRefs":[{"name":"v2","port":8080}]},
                {"matches":[{"method":{"type":"RegularExpression","service":"re\\.[a-z]+","method":"Get.*"}}],"backendRefs":[{"name":"v1","port":8080}]},
                {"matches":[{"headers":[{"name":"version","value":"two"},{"name":"color","value":"orange"}]}],"backendRefs":[{"name":"v1","port":8080}]},
                {"matches":[{"headers":[{"name":"version","value":"two"}]}],"backendRefs":[{"name":"v2","port":8080}]},
                {"matches":[{"headers":[{"name":"Color","type":"RegularExpression","value":"bl.e"},{"name":"color","value":"ignored"}]}],"backendRefs":[{"name":"v2","port":8080}]}]}
                """),
        ], services: [GatewayService("gw", (80, 20000))]);
        var listener = config.Gateways.Port(20000)!.ListenerFor("any.com")!;
        string Match(string path, string? version = null, string? color = null) =>
            listener.MatchGrpc("any.com", path, n => n switch { "version" => version, "color" => color, _ => null }) is { } r ? $"rule {r.RuleIndex}" : "none";
        Assert.Equal("rule 0", Match($"/{Echo}/Echo"));
        Assert.Equal("rule 1", Match($"/{Echo}/EchoTwo"));
        Assert.Equal("none", Match($"/{Echo}/EchoThree"));
        Assert.Equal("none", Match($"/{Echo}/echo")); // Exact is case-sensitive
        Assert.Equal("rule 2", Match("/other.Svc/Anything"));
        Assert.Equal("rule 3", Match("/x.Y/Anywhere"));
        Assert.Equal("rule 4", Match("/re.abc/GetThing"));
        Assert.Equal("none", Match("/re.abc1/GetThing")); // the whole value must match
        Assert.Equal("rule 2", Match("/other.Svc/Anywhere")); // the longer service match outranks a method-only one
        Assert.Equal("rule 0", Match($"/{Echo}/Echo", version: "two")); // service and method outrank headers
        Assert.Equal("rule 5", Match("/x.Y/Z", version: "two", color: "orange")); // more header matches first
        Assert.Equal("rule 6", Match("/x.Y/Z", version: "two", color: "blue"));
        Assert.Equal("rule 7", Match("/x.Y/Z", color: "blue")); // the second "color" match is ignored (first one counts)
        Assert.Equal("none", Match("/x.Y/Z", color: "purple"));
        Assert.Equal("none", Match("/not-grpc"));
    }

    [Fact]
    public void Precedence_HostnameFirstThenOldestRoute()
    {
        var config = Build([Gateway("gw", """[{"name":"http","port":80,"protocol":"HTTP"}]""")],
        [
            Route("infra", "old", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}""", ageMinutes: 30),
            Route("infra", "new", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 1),
            Route("infra", "wild", """{"parentRefs":[{"name":"gw"}],"hostnames":["*.example.com"],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 1),
            Route("infra", "exact", """{"parentRefs":[{"name":"gw"}],"hostnames":["a.example.com"],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 1),
        ], services: [GatewayService("gw", (80, 20000))]);
        var listener = config.Gateways.Port(20000)!.ListenerFor("x")!;
        string Winner(string host) => listener.MatchGrpc(host, "/s.S/M", _ => null)?.Action.Route.Name ?? "none";
        Assert.Equal("old", Winner("other.com"));
        Assert.Equal("wild", Winner("b.example.com"));
        Assert.Equal("exact", Winner("a.example.com"));
    }

    [Fact]
    public void Status_AcceptedResolvedRefsAndListenerKinds()
    {
        var config = Build(
            [Gateway("gw", """
                [{"name":"http","port":80,"protocol":"HTTP"},
                 {"name":"httponly","port":81,"protocol":"HTTP","allowedRoutes":{"kinds":[{"kind":"HTTPRoute"}]}},
                 {"name":"grpconly","port":82,"protocol":"HTTP","allowedRoutes":{"kinds":[{"kind":"GRPCRoute"}]}}]
                """)],
            [
                Route("infra", "ok", """{"parentRefs":[{"name":"gw","sectionName":"http"}],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}"""),
                Route("infra", "kindless", """{"parentRefs":[{"name":"gw","sectionName":"httponly"}],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}"""),
                Route("infra", "missing", """{"parentRefs":[{"name":"gw","sectionName":"grpconly"}],"rules":[{"backendRefs":[{"name":"nope","port":8080}]}]}"""),
                Route("infra", "kind", """{"parentRefs":[{"name":"gw","sectionName":"grpconly"}],"rules":[{"backendRefs":[{"group":"x.io","kind":"Bucket","name":"b"}]}]}"""),
                Route("apps", "crossns", """{"parentRefs":[{"name":"gw","namespace":"infra","sectionName":"http"}],"rules":[{"backendRefs":[{"name":"v1","namespace":"infra","port":8080}]}]}"""),
            ], services: [GatewayService("gw", (80, 20000), (81, 20001), (82, 20002))]);
        var parents = config.Gateways.GrpcRouteParents;
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent(parents, "infra/ok"));
        Assert.Equal("gw Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs", Parent(parents, "infra/kindless"));
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=False/BackendNotFound", Parent(parents, "infra/missing"));
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=False/InvalidKind", Parent(parents, "infra/kind"));
        Assert.Equal("gw Accepted=False/NotAllowedByListeners ResolvedRefs=False/RefNotPermitted", Parent(parents, "apps/crossns"));
        Assert.Empty(config.Gateways.RouteParents);

        var listeners = config.Gateways.Gateways["infra/gw"].Status["listeners"]!.AsArray().ToDictionary(l => (string)l!["name"]!);
        string Kinds(string name) => string.Join(",", listeners[name]!["supportedKinds"]!.AsArray().Select(k => (string)k!["kind"]!));
        Assert.Equal("HTTPRoute,GRPCRoute", Kinds("http"));
        Assert.Equal("HTTPRoute", Kinds("httponly"));
        Assert.Equal("GRPCRoute", Kinds("grpconly"));
        Assert.Equal(1, (int)listeners["http"]!["attachedRoutes"]!);
        Assert.Equal(0, (int)listeners["httponly"]!["attachedRoutes"]!);
        Assert.Equal(2, (int)listeners["grpconly"]!["attachedRoutes"]!);
        Assert.Contains("GRPCRoute", config.Gateways.ClassStatus["podway"]["supportedFeatures"]!.AsArray().Select(f => (string)f!["name"]!));

        // An invalid backend is still a rule: its calls get UNAVAILABLE (no pool), not a fall-through.
        var rule = config.Gateways.Port(20002)!.ListenerFor("x")!.MatchGrpc("x", "/s.S/M", _ => null)!;
        Assert.Null(rule.Action.Pick()!.Pool);

        var granted = Build([Gateway("gw", """[{"name":"all","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}]""")],
            [Route("apps", "crossns", """{"parentRefs":[{"name":"gw","namespace":"infra"}],"rules":[{"backendRefs":[{"name":"v1","namespace":"infra","port":8080}]}]}""")],
            grants: [J("""{"metadata":{"namespace":"infra","name":"g"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"GRPCRoute","namespace":"apps"}],"to":[{"group":"","kind":"Service"}]}}""")]);
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent(granted.Gateways.GrpcRouteParents, "apps/crossns"));
    }

    /// <summary>The spec: an HTTPRoute and a GRPCRoute on one listener with intersecting hostnames, only the older is
    /// accepted; routes of the two kinds on hostnames that do not meet both attach.</summary>
    [Fact]
    public void HttpRouteAndGrpcRouteOnOneHostname_TheOlderWins()
    {
        var http = new[]
        {
            Route("infra", "web", """{"parentRefs":[{"name":"gw"}],"hostnames":["shop.example.com"],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}""", ageMinutes: 20),
            Route("infra", "late-web", """{"parentRefs":[{"name":"gw"}],"hostnames":["*.api.example.com"],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}""", ageMinutes: 1),
            Route("infra", "apart", """{"parentRefs":[{"name":"gw"}],"hostnames":["www.example.com"],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}""", ageMinutes: 1),
        };
        var grpc = new[]
        {
            Route("infra", "late-grpc", """{"parentRefs":[{"name":"gw"}],"hostnames":["*.example.com"],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 5),
            Route("infra", "api", """{"parentRefs":[{"name":"gw"}],"hostnames":["grpc.api.example.com"],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 10),
            Route("infra", "elsewhere", """{"parentRefs":[{"name":"gw"}],"hostnames":["grpc.other.com"],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 1),
        };
        var config = Build([Gateway("gw", """[{"name":"http","port":80,"protocol":"HTTP"}]""")], grpc, http, [GatewayService("gw", (80, 20000))]);
        var g = config.Gateways;
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent(g.RouteParents, "infra/web"));
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent(g.GrpcRouteParents, "infra/api"));
        Assert.Equal("gw Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs", Parent(g.GrpcRouteParents, "infra/late-grpc"));
        Assert.Contains("HTTPRoute/infra/web is older", g.GrpcRouteParents["infra/late-grpc"][0]!["conditions"]![0]!["message"]!.ToString());
        Assert.Equal("gw Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs", Parent(g.RouteParents, "infra/late-web"));
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent(g.RouteParents, "infra/apart"));
        Assert.Equal("gw Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent(g.GrpcRouteParents, "infra/elsewhere"));
        Assert.Equal(4, (int)g.Gateways["infra/gw"].Status["listeners"]![0]!["attachedRoutes"]!);
        var listener = g.Port(20000)!.ListenerFor("grpc.api.example.com")!;
        Assert.Equal("api", listener.MatchGrpc("grpc.api.example.com", "/s.S/M", _ => null)?.Action.Route.Name);
        Assert.Null(listener.Match("grpc.api.example.com", "/", "GET", _ => null, _ => null)); // late-web was rejected
    }
}
