using System.Text.Json.Nodes;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Gateway;

/// <summary>The Gateway API compilation: which objects are podway's, the status they get, and how requests match.</summary>
public class GatewayBuilderTests
{
    static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    static readonly JsonObject OurClass = J("""{"metadata":{"name":"podway","generation":1},"spec":{"controllerName":"podway.io/gateway-controller"}}""");
    static readonly JsonObject OtherClass = J("""{"metadata":{"name":"other","generation":1},"spec":{"controllerName":"example.com/x"}}""");

    static JsonObject Gateway(string name, string cls, string listeners) =>
        J("{\"metadata\":{\"namespace\":\"infra\",\"name\":\"" + name + "\",\"generation\":2},\"spec\":{\"gatewayClassName\":\"" + cls
          + "\",\"listeners\":" + listeners + "}}");

    /// <summary>The Gateway's LoadBalancer Service as the status controller makes it (listener port → edge target port).</summary>
    static JsonObject GatewayService(string gateway, string ip, params (int Port, int Target)[] ports) =>
        J("{\"metadata\":{\"namespace\":\"ingress-nginx\",\"name\":\"gw-infra-" + gateway + "\",\"annotations\":{\"podway.io/gateway\":\"infra/" + gateway + "\"}},"
          + "\"spec\":{\"type\":\"LoadBalancer\",\"ports\":[" + string.Join(",", ports.Select(p => $"{{\"port\":{p.Port},\"targetPort\":{p.Target}}}")) + "]},"
          + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + ip + "\"}]}}}");

    static JsonObject Route(string ns, string name, string spec, int ageMinutes = 10) =>
        J("{\"metadata\":{\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\",\"generation\":3,\"creationTimestamp\":\""
          + DateTimeOffset.UtcNow.AddMinutes(-ageMinutes).ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"},\"spec\":" + spec + "}");

    static EdgeConfig BuildGateways(JsonObject[] gateways, JsonObject[] routes, JsonObject[]? services = null, JsonObject[]? namespaces = null,
        JsonObject[]? grants = null)
    {
        var allServices = (services ?? []).Concat([Service("infra", "v1", ("", 8080)), Service("infra", "v2", ("", 8080))]).ToList();
        // Every Gateway Service has a ready edge Pod behind it, except those of Gateways named "unserved".
        var edgeSlices = (services ?? []).Where(s => !Json(s, "metadata.name").EndsWith("-unserved"))
            .Select(s => Ready("ingress-nginx", Json(s, "metadata.name") + "-x", Json(s, "metadata.name"), "", 20000, "10.244.0.9"));
        return EdgeConfigBuilder.Build(new EdgeInputs([], [], allServices,
            [Ready("infra", "v1-x", "v1", "", 3000, "10.244.1.1"), Ready("infra", "v2-x", "v2", "", 3000, "10.244.1.2"), .. edgeSlices], [], Fake)
        {
            Gateway = new GatewayInputs([OurClass, OtherClass], gateways, routes, grants ?? [],
                namespaces ?? [J("""{"metadata":{"name":"infra","labels":{"team":"a"}}}"""), J("""{"metadata":{"name":"apps","labels":{"team":"b"}}}""")]),
        });
    }

    static string Json(JsonObject o, string path) => path.Split('.').Aggregate((JsonNode?)o, (n, k) => n?[k])?.GetValue<string>() ?? "";

    static string Conditions(JsonNode? conditions) =>
        string.Join(" ", (conditions as JsonArray ?? []).Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}"));

    [Fact]
    public void OnlyPodwaysClassesAndTheirGateways_GetStatus()
    {
        var config = BuildGateways(
            [Gateway("ours", "podway", """[{"name":"http","port":80,"protocol":"HTTP"}]"""), Gateway("theirs", "other", """[{"name":"http","port":80,"protocol":"HTTP"}]""")],
            [], [GatewayService("ours", "10.250.0.130", (80, 20000))]);
        Assert.Equal(["podway"], config.Gateways.ClassStatus.Keys);
        Assert.Equal("Accepted=True/Accepted", Conditions(config.Gateways.ClassStatus["podway"]["conditions"]));
        Assert.Equal(["infra/ours"], config.Gateways.Gateways.Keys);
        var status = config.Gateways.Gateways["infra/ours"].Status;
        Assert.Equal("Accepted=True/Accepted Programmed=True/Programmed", Conditions(status["conditions"]));
        Assert.Equal(2, (long)status["conditions"]![0]!["observedGeneration"]!);
        Assert.Equal("10.250.0.130", (string)status["addresses"]![0]!["value"]!);
        Assert.Equal(new Dictionary<int, bool> { [20000] = false }, config.Gateways.ListenPorts);
    }

    [Fact]
    public void GatewayWithAnAddressButNoReadyEdgePod_IsNotProgrammedYet()
    {
        var config = BuildGateways([Gateway("unserved", "podway", """[{"name":"http","port":80,"protocol":"HTTP"}]""")], [],
            [GatewayService("unserved", "10.250.0.131", (80, 20001))]);
        var status = config.Gateways.Gateways["infra/unserved"].Status;
        Assert.Equal("Accepted=True/Accepted Programmed=False/Pending", Conditions(status["conditions"]));
        Assert.Contains("Programmed=False/Pending", Conditions(status["listeners"]![0]!["conditions"]));
    }

    [Fact]
    public void GatewayWithoutItsServiceYet_IsAcceptedButWaitsForAnAddress()
    {
        var config = BuildGateways([Gateway("new", "podway", """[{"name":"http","port":80,"protocol":"HTTP"}]""")], []);
        var state = config.Gateways.Gateways["infra/new"];
        Assert.Equal("Accepted=True/Accepted Programmed=False/AddressNotAssigned", Conditions(state.Status["conditions"]));
        Assert.Equal([80], state.Ports);
        Assert.Empty(config.Gateways.ListenPorts);
    }

    [Fact]
    public void Listeners_ConflictsUnsupportedProtocolsAndMissingCertificates()
    {
        var config = BuildGateways([Gateway("gw", "podway", """
            [{"name":"a","port":80,"protocol":"HTTP"},{"name":"b","port":80,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"missing"}]}},
             {"name":"c","port":81,"protocol":"HTTP","hostname":"x.com"},{"name":"d","port":81,"protocol":"HTTP","hostname":"x.com"},
             {"name":"e","port":9000,"protocol":"example.com/quic"},{"name":"f","port":443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"missing"}]}},
             {"name":"g","port":82,"protocol":"HTTP","allowedRoutes":{"kinds":[{"kind":"TLSRoute"}]}}]
            """)], [], [GatewayService("gw", "10.250.0.130", (80, 20000), (81, 20001), (82, 20002))]);
        var listeners = config.Gateways.Gateways["infra/gw"].Status["listeners"]!.AsArray().ToDictionary(l => (string)l!["name"]!, l => Conditions(l!["conditions"]));
        Assert.Contains("Conflicted=True/ProtocolConflict", listeners["a"]);
        Assert.Contains("Conflicted=True/ProtocolConflict", listeners["b"]);
        Assert.Contains("Conflicted=True/HostnameConflict", listeners["c"]);
        Assert.Equal("Accepted=False/UnsupportedProtocol Conflicted=False/NoConflicts ResolvedRefs=True/ResolvedRefs Programmed=False/Invalid", listeners["e"]);
        Assert.Equal("Accepted=True/Accepted Conflicted=False/NoConflicts ResolvedRefs=False/InvalidCertificateRef Programmed=False/Invalid", listeners["f"]);
        Assert.Contains("ResolvedRefs=False/InvalidRouteKinds", listeners["g"]);
        Assert.Empty(config.Gateways.Gateways["infra/gw"].Status["listeners"]!.AsArray().Single(l => (string)l!["name"]! == "g")!["supportedKinds"]!.AsArray());
    }

    /// <summary>A filter or field the edge does not implement is never skipped in silence: the route is not accepted,
    /// with the spec's UnsupportedValue reason naming the field, and it is not served.</summary>
    [Theory]
    [InlineData("""{"filters":[{"type":"ExtensionRef","extensionRef":{"group":"x.io","kind":"F","name":"f"}}],"backendRefs":[{"name":"v1","port":8080}]}""", "spec.rules[0].filters[0].type ExtensionRef")]
    [InlineData("""{"filters":[{"type":"CORS","cors":{"allowOrigins":["*"]}}],"backendRefs":[{"name":"v1","port":8080}]}""", "spec.rules[0].filters[0].type CORS")]
    [InlineData("""{"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"v2","port":8080},"percent":10}}],"backendRefs":[{"name":"v1","port":8080}]}""", "spec.rules[0].filters[0].requestMirror")]
    [InlineData("""{"backendRefs":[{"name":"v1","port":8080,"filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"a","value":"b"}]}}]}]}""", "spec.rules[0].backendRefs[0].filters")]
    [InlineData("""{"retry":{"attempts":2},"backendRefs":[{"name":"v1","port":8080}]}""", "spec.rules[0].retry")]
    public void RouteWithAnUnsupportedField_NotAcceptedUnsupportedValue_NotServed(string rule, string field)
    {
        var config = BuildGateways([Gateway("gw", "podway", """[{"name":"http","port":80,"protocol":"HTTP"}]""")],
            [Route("infra", "r", """{"parentRefs":[{"name":"gw"}],"hostnames":["u.example.com"],"rules":[""" + rule + "]}")],
            [GatewayService("gw", "10.250.0.130", (80, 20000))]);
        var parent = config.Gateways.RouteParents["infra/r"].Single()!;
        Assert.Contains("Accepted=False/UnsupportedValue", Conditions(parent["conditions"]));
        Assert.StartsWith(field, (string)parent["conditions"]![0]!["message"]!);
        Assert.Equal(0, (int)config.Gateways.Gateways["infra/gw"].Status["listeners"]![0]!["attachedRoutes"]!);
    }

    [Fact]
    public void RouteStatus_PerParentWithTheSpecsReasons()
    {
        var config = BuildGateways(
            [Gateway("gw", "podway", """[{"name":"http","port":80,"protocol":"HTTP","hostname":"a.example.com"},{"name":"all","port":8080,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"Selector","selector":{"matchLabels":{"team":"b"}}}}}]"""),
             Gateway("theirs", "other", """[{"name":"http","port":80,"protocol":"HTTP"}]""")],
            [
                Route("infra", "ok", """{"parentRefs":[{"name":"gw","sectionName":"http"},{"name":"theirs"}],"rules":[{"backendRefs":[{"name":"v1","port":8080}]}]}"""),
                Route("infra", "nosection", """{"parentRefs":[{"name":"gw","sectionName":"nope"}]}"""),
                Route("infra", "noport", """{"parentRefs":[{"name":"gw","port":9999}]}"""),
                Route("infra", "hosts", """{"parentRefs":[{"name":"gw","sectionName":"http"}],"hostnames":["b.example.com"]}"""),
                Route("infra", "notallowed", """{"parentRefs":[{"name":"gw","sectionName":"all"}]}"""),
                Route("apps", "selected", """{"parentRefs":[{"name":"gw","namespace":"infra","sectionName":"all"}]}"""),
                Route("infra", "badrefs", """{"parentRefs":[{"name":"gw","sectionName":"http"}],"rules":[{"backendRefs":[{"name":"nope","port":80}]}]}"""),
                Route("infra", "kind", """{"parentRefs":[{"name":"gw","sectionName":"http"}],"rules":[{"backendRefs":[{"group":"x.io","kind":"Bucket","name":"b"}]}]}"""),
                Route("apps", "crossns", """{"parentRefs":[{"name":"gw","namespace":"infra","sectionName":"all"}],"rules":[{"backendRefs":[{"name":"v1","namespace":"infra","port":8080}]}]}"""),
            ]);
        string Parent(string route) => string.Join(" | ", config.Gateways.RouteParents[route].Select(p => $"{p!["parentRef"]!["name"]} {p["controllerName"]} {Conditions(p["conditions"])}"));
        Assert.Equal("gw podway.io/gateway-controller Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", Parent("infra/ok")); // "theirs" is left to its controller
        Assert.StartsWith("gw podway.io/gateway-controller Accepted=False/NoMatchingParent", Parent("infra/nosection"));
        Assert.StartsWith("gw podway.io/gateway-controller Accepted=False/NoMatchingParent", Parent("infra/noport"));
        Assert.Contains("Accepted=False/NoMatchingListenerHostname", Parent("infra/hosts"));
        Assert.Contains("Accepted=False/NotAllowedByListeners", Parent("infra/notallowed"));
        Assert.Contains("Accepted=True/Accepted", Parent("apps/selected"));
        Assert.Contains("ResolvedRefs=False/BackendNotFound", Parent("infra/badrefs"));
        Assert.Contains("ResolvedRefs=False/InvalidKind", Parent("infra/kind"));
        Assert.Contains("ResolvedRefs=False/RefNotPermitted", Parent("apps/crossns"));
        Assert.Equal(3, (int)config.Gateways.Gateways["infra/gw"].Status["listeners"]![0]!["attachedRoutes"]!); // ok, badrefs, kind

        var granted = BuildGateways([Gateway("gw", "podway", """[{"name":"all","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}]""")],
            [Route("apps", "crossns", """{"parentRefs":[{"name":"gw","namespace":"infra"}],"rules":[{"backendRefs":[{"name":"v1","namespace":"infra","port":8080}]}]}""")],
            grants: [J("""{"metadata":{"namespace":"infra","name":"g"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"apps"}],"to":[{"group":"","kind":"Service"}]}}""")]);
        Assert.Contains("ResolvedRefs=True/ResolvedRefs", string.Join(" ", granted.Gateways.RouteParents["apps/crossns"].Select(p => Conditions(p!["conditions"]))));
    }

    [Theory]
    [InlineData(null, "", "null")]
    [InlineData("a.example.com", "", "a.example.com")]
    [InlineData(null, "a.example.com,*.b.com", "a.example.com,*.b.com")]
    [InlineData("*.example.com", "a.example.com,example.com,*.x.example.com,other.com", "a.example.com,*.x.example.com")]
    [InlineData("a.example.com", "*.example.com,b.example.com", "a.example.com")]
    [InlineData("*.example.com", "*.com", "*.example.com")]
    [InlineData("a.example.com", "b.example.com", "")]
    public void HostnameIntersection_AsTheSpecDefinesIt(string? listener, string route, string expected)
    {
        var names = Hostnames.Intersect(listener, route.Length == 0 ? [] : route.Split(','));
        Assert.Equal(expected, string.Join(",", names.Select(n => n ?? "null")));
    }

    [Theory]
    [InlineData("/prefix/one", "/one", "/prefix/one/two", "/one/two")]
    [InlineData("/strip-prefix", "/", "/strip-prefix/three", "/three")]
    [InlineData("/strip-prefix", "/", "/strip-prefix", "/")]
    [InlineData("/prefix/rewrite", "/prefix", "/prefix/rewrite/one", "/prefix/one")]
    [InlineData("/", "/new", "/x/y", "/new/x/y")]
    [InlineData("/a/", "/b/", "/a/c", "/b/c")]
    public void ReplacePrefixMatch_KeepsWhatFollowsThePrefix(string prefix, string replacement, string path, string expected)
    {
        var matched = new PathMatch { Type = PathMatch.Prefix, Value = PathRoute.Normalize(prefix, exact: false) };
        Assert.Equal(expected, new PathModifier(false, replacement).Apply(path, matched));
    }

    [Fact]
    public void Matching_PrecedenceAcrossRulesAndRoutes()
    {
        var config = BuildGateways([Gateway("gw", "podway", """[{"name":"http","port":80,"protocol":"HTTP"}]""")],
        [
            Route("infra", "old", """
                {"parentRefs":[{"name":"gw"}],"rules":[
                {"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backendRefs":[{"name":"v1","port":8080}]},
                {"matches":[{"path":{"type":"Exact","value":"/exact"}}],"backendRefs":[{"name":"v2","port":8080}]},
                {"matches":[{"path":{"type":"RegularExpression","value":"/re/[0-9]+"}}],"backendRefs":[{"name":"v2","port":8080}]},
                {"matches":[{"path":{"type":"PathPrefix","value":"/h"},"headers":[{"name":"X-A","value":"1"}]}],"backendRefs":[{"name":"v2","port":8080}]},
                {"matches":[{"path":{"type":"PathPrefix","value":"/h"},"method":"POST"}],"backendRefs":[{"name":"v1","port":8080}]}]}
                """, ageMinutes: 30),
            Route("infra", "new", """{"parentRefs":[{"name":"gw"}],"hostnames":["specific.com"],"rules":[{"backendRefs":[{"name":"v2","port":8080}]}]}""", ageMinutes: 1),
        ], [GatewayService("gw", "10.250.0.130", (80, 20000))]);
        var listener = config.Gateways.Port(20000)!.ListenerFor("any.com")!;
        string Match(string host, string path, string method = "GET", string? xa = null) =>
            listener.Match(host, path, method, n => n == "x-a" ? xa : null, _ => null) is { } r ? $"{r.Action.Route.Name}:{r.RuleIndex}" : "404";
        Assert.Equal("old:0", Match("any.com", "/exact/more"));
        Assert.Equal("old:1", Match("any.com", "/exact"));
        Assert.Equal("old:2", Match("any.com", "/re/42"));
        Assert.Equal("old:0", Match("any.com", "/re/x"));
        Assert.Equal("old:4", Match("any.com", "/h", "POST", xa: "1")); // a method match outranks a header match
        Assert.Equal("old:3", Match("any.com", "/h", xa: "1"));
        Assert.Equal("new:0", Match("specific.com", "/exact")); // the route with the matching hostname comes first
    }

    [Fact]
    public void CertificateRefToAnotherNamespace_NeedsAReferenceGrant()
    {
        var (crt, key) = Pem(false, "site.example.com");
        var gateway = Gateway("gw", "podway", """[{"name":"https","port":443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"site-tls","namespace":"certs"}]}}]""");
        var inputs = new EdgeInputs([], [], [GatewayService("gw", "10.250.0.130", (443, 20000))], [], [TlsSecret("certs", "site-tls", crt, key)], Fake);
        string ResolvedRefs(params JsonObject[] grants)
        {
            var config = EdgeConfigBuilder.Build(inputs with { Gateway = new GatewayInputs([OurClass], [gateway], [], grants, []) });
            return Conditions(config.Gateways.Gateways["infra/gw"].Status["listeners"]![0]!["conditions"]);
        }
        Assert.Contains("ResolvedRefs=False/RefNotPermitted", ResolvedRefs());
        Assert.Contains("ResolvedRefs=True/ResolvedRefs", ResolvedRefs(J("""
            {"metadata":{"namespace":"certs","name":"g"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"Gateway","namespace":"infra"}],"to":[{"group":"","kind":"Secret","name":"site-tls"}]}}
            """)));
    }
}
