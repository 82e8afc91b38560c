using System.Text.Json.Nodes;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Gateway;

/// <summary>TLS, TCP and UDP listeners with TLSRoute, TCPRoute and UDPRoute: attachment, status, and the routing
/// tables the edge's stream servers read (SNI → listener → route → backends).</summary>
public class StreamRouteBuilderTests
{
    static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    static readonly JsonObject OurClass = J("""{"metadata":{"name":"podway","generation":1},"spec":{"controllerName":"podway.io/gateway-controller"}}""");

    static JsonObject Gateway(string listeners) =>
        J("{\"metadata\":{\"namespace\":\"infra\",\"name\":\"gw\",\"generation\":2},\"spec\":{\"gatewayClassName\":\"podway\",\"listeners\":" + listeners + "}}");

    static JsonObject GatewayService(params (int Port, int Target)[] ports) =>
        J("{\"metadata\":{\"namespace\":\"ingress-nginx\",\"name\":\"gw-infra-gw\",\"annotations\":{\"podway.io/gateway\":\"infra/gw\"}},"
          + "\"spec\":{\"type\":\"LoadBalancer\",\"ports\":[" + string.Join(",", ports.Select(p => $"{{\"port\":{p.Port},\"targetPort\":{p.Target}}}")) + "]},"
          + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.250.0.130\"}]}}}");

    static JsonObject Route(string ns, string name, string spec, int ageMinutes = 10) =>
        J("{\"metadata\":{\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\",\"generation\":3,\"creationTimestamp\":\""
          + DateTimeOffset.UtcNow.AddMinutes(-ageMinutes).ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"},\"spec\":" + spec + "}");

    static JsonObject UdpService(string ns, string name, int port) => J(
        "{\"metadata\":{\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\"},\"spec\":{\"ports\":[{\"name\":\"dns\",\"port\":" + port + ",\"protocol\":\"UDP\"},{\"name\":\"dns-tcp\",\"port\":" + port + ",\"protocol\":\"TCP\"}]}}");

    static JsonObject UdpSlice(string ns, string service, int port, string ip)
    {
        var slice = Ready(ns, service + "-u", service, "dns", port, ip);
        slice["ports"]![0]!["protocol"] = "UDP";
        return slice;
    }

    static EdgeConfig Build(JsonObject gateway, JsonObject[]? tls = null, JsonObject[]? tcp = null, JsonObject[]? udp = null,
        JsonObject[]? grants = null, JsonObject[]? secrets = null, JsonObject[]? http = null, params (int Port, int Target)[] ports)
    {
        var services = new List<JsonObject> { Service("infra", "a", ("", 443)), Service("infra", "b", ("", 443)), Service("apps", "c", ("", 443)),
            UdpService("infra", "dns", 53), GatewayService(ports) };
        var slices = new List<JsonObject>
        {
            Ready("infra", "a-x", "a", "", 8443, "10.244.1.1"), Ready("infra", "b-x", "b", "", 8443, "10.244.1.2"),
            Ready("apps", "c-x", "c", "", 8443, "10.244.1.3"), UdpSlice("infra", "dns", 5353, "10.244.1.4"),
            Ready("infra", "dns-t", "dns", "dns-tcp", 5354, "10.244.1.5"),
            Ready("ingress-nginx", "gw-x", "gw-infra-gw", "", 20000, "10.244.0.9"),
        };
        return EdgeConfigBuilder.Build(new EdgeInputs([], [], services, slices, secrets ?? [], Fake)
        {
            Gateway = new GatewayInputs([OurClass], [gateway], http ?? [], grants ?? [],
                [J("""{"metadata":{"name":"infra"}}"""), J("""{"metadata":{"name":"apps"}}""")])
            {
                TlsRoutes = tls ?? [], TcpRoutes = tcp ?? [], UdpRoutes = udp ?? [],
            },
        });
    }

    static string Conditions(JsonNode? conditions) =>
        string.Join(" ", (conditions as JsonArray ?? []).Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}"));

    static Dictionary<string, JsonObject> Listeners(EdgeConfig config) =>
        config.Gateways.Gateways["infra/gw"].Status["listeners"]!.AsArray().ToDictionary(l => (string)l!["name"]!, l => l!.AsObject());

    static string RouteStatus(EdgeConfig config, string kind, string key) =>
        Conditions(config.Gateways.StreamRouteParents[(kind, key)][0]!["conditions"]);

    const string Passthrough = """{"name":"tls","port":443,"protocol":"TLS","hostname":"*.example.com","tls":{"mode":"Passthrough"}}""";

    [Fact]
    public void TlsPassthroughListener_TakesTlsRoutes_AndRoutesBySni()
    {
        var config = Build(Gateway($"[{Passthrough}]"),
            tls: [Route("infra", "abc", """{"parentRefs":[{"name":"gw"}],"hostnames":["abc.example.com"],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}"""),
                  Route("infra", "wild", """{"parentRefs":[{"name":"gw"}],"hostnames":["*.example.com"],"rules":[{"backendRefs":[{"name":"b","port":443}]}]}""")],
            ports: (443, 20000));
        var listener = Listeners(config)["tls"];
        Assert.Equal("Accepted=True/Accepted Conflicted=False/NoConflicts ResolvedRefs=True/ResolvedRefs Programmed=True/Programmed", Conditions(listener["conditions"]));
        Assert.Equal(2, (int)listener["attachedRoutes"]!);
        Assert.Equal("TLSRoute", (string)listener["supportedKinds"]![0]!["kind"]!);
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", RouteStatus(config, "TLSRoute", "infra/abc"));
        Assert.Equal(new Dictionary<int, string> { [20000] = "TLS" }, config.Gateways.StreamListenPorts);
        Assert.Empty(config.Gateways.ListenPorts);

        var port = config.Gateways.StreamPortFor(20000)!;
        Assert.Equal("infra/abc", port.RouteFor("abc.example.com")!.Route.ToString());     // exact beats the wildcard
        Assert.Equal("infra/wild", port.RouteFor("xyz.example.com")!.Route.ToString());
        Assert.Equal("infra/wild", port.RouteFor("a.b.example.com")!.Route.ToString());
        Assert.Null(port.RouteFor("example.com"));                                          // outside the listener
        Assert.Null(port.RouteFor(null));                                                   // no SNI, listener has a hostname
        Assert.Null(port.ListenerFor("abc.example.com")!.Certificate);                       // passthrough: the backend's certificate
        Assert.Equal("10.244.1.1:8443", port.RouteFor("abc.example.com")!.Pick()!.Pool!.Usable.Single().ToString());
    }

    [Theory]
    [InlineData("*.example.com", """["abc.example.com"]""", "abc.example.com", "abc.example.com")]
    [InlineData("abc.example.com", """["*.example.com"]""", "abc.example.com", "abc.example.com")]
    [InlineData("*.example.com", """["*.foo.example.com"]""", "x.foo.example.com", "x.foo.example.com")]
    [InlineData(null, """["abc.example.com"]""", "abc.example.com", "abc.example.com")]
    public void TlsRouteHostnames_IntersectWithTheListenersHostname(string? listenerHost, string routeHosts, string sni, string attachedAs)
    {
        var listener = listenerHost is null ? """{"name":"tls","port":443,"protocol":"TLS","tls":{"mode":"Passthrough"}}"""
            : $$$"""{"name":"tls","port":443,"protocol":"TLS","hostname":"{{{listenerHost}}}","tls":{"mode":"Passthrough"}}""";
        var config = Build(Gateway($"[{listener}]"),
            tls: [Route("infra", "r", $$$"""{"parentRefs":[{"name":"gw"}],"hostnames":{{{routeHosts}}},"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""")],
            ports: (443, 20000));
        var route = config.Gateways.StreamPortFor(20000)!.RouteFor(sni);
        Assert.NotNull(route);
        Assert.True(Hostnames.Matches(route.Hostname, attachedAs));
    }

    [Fact]
    public void TlsRouteWithHostnamesOutsideTheListener_IsNotAccepted()
    {
        var config = Build(Gateway($"[{Passthrough}]"),
            tls: [Route("infra", "other", """{"parentRefs":[{"name":"gw"}],"hostnames":["abc.example.net"],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""")],
            ports: (443, 20000));
        Assert.Equal("Accepted=False/NoMatchingListenerHostname ResolvedRefs=True/ResolvedRefs", RouteStatus(config, "TLSRoute", "infra/other"));
        Assert.Equal(0, (int)Listeners(config)["tls"]["attachedRoutes"]!);
        Assert.Null(config.Gateways.StreamPortFor(20000)!.RouteFor("abc.example.net"));
    }

    [Fact]
    public void BackendRefProblems_GiveTheSpecsReasons_AndInvalidBackendsKeepTheirWeight()
    {
        var config = Build(Gateway($"[{Passthrough}]"),
            tls: [Route("infra", "missing", """{"parentRefs":[{"name":"gw"}],"hostnames":["m.example.com"],"rules":[{"backendRefs":[{"name":"nope","port":443}]}]}"""),
                  Route("infra", "kind", """{"parentRefs":[{"name":"gw"}],"hostnames":["k.example.com"],"rules":[{"backendRefs":[{"group":"x.io","kind":"Bucket","name":"b"}]}]}"""),
                  Route("infra", "cross", """{"parentRefs":[{"name":"gw"}],"hostnames":["c.example.com"],"rules":[{"backendRefs":[{"name":"c","namespace":"apps","port":443}]}]}"""),
                  Route("infra", "half", """{"parentRefs":[{"name":"gw"}],"hostnames":["h.example.com"],"rules":[{"backendRefs":[{"name":"a","port":443,"weight":1},{"name":"nope","port":443,"weight":1}]}]}""")],
            ports: (443, 20000));
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=False/BackendNotFound", RouteStatus(config, "TLSRoute", "infra/missing"));
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=False/InvalidKind", RouteStatus(config, "TLSRoute", "infra/kind"));
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=False/RefNotPermitted", RouteStatus(config, "TLSRoute", "infra/cross"));
        var port = config.Gateways.StreamPortFor(20000)!;
        Assert.Null(port.RouteFor("c.example.com")!.Pick()!.Pool);   // attached, but its connections are closed
        var half = port.RouteFor("h.example.com")!;
        Assert.NotNull(half.Pick(0)!.Pool);
        Assert.Null(half.Pick(1)!.Pool);
    }

    [Fact]
    public void CrossNamespaceBackend_WithAReferenceGrantFromTlsRoute_Resolves()
    {
        var grant = J("""{"metadata":{"namespace":"apps","name":"g"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"TLSRoute","namespace":"infra"}],"to":[{"group":"","kind":"Service"}]}}""");
        var httpGrant = J("""{"metadata":{"namespace":"apps","name":"h"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"infra"}],"to":[{"group":"","kind":"Service"}]}}""");
        var route = Route("infra", "cross", """{"parentRefs":[{"name":"gw"}],"hostnames":["c.example.com"],"rules":[{"backendRefs":[{"name":"c","namespace":"apps","port":443}]}]}""");
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs",
            RouteStatus(Build(Gateway($"[{Passthrough}]"), tls: [route], grants: [grant], ports: (443, 20000)), "TLSRoute", "infra/cross"));
        // A grant for another route kind does not count.
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=False/RefNotPermitted",
            RouteStatus(Build(Gateway($"[{Passthrough}]"), tls: [route], grants: [httpGrant], ports: (443, 20000)), "TLSRoute", "infra/cross"));
    }

    [Fact]
    public void TcpAndUdpListeners_TakeTheirRouteKinds_AndUdpBackendsUseUdpPorts()
    {
        var config = Build(Gateway("""
            [{"name":"tcp","port":5432,"protocol":"TCP"},{"name":"udp","port":53,"protocol":"UDP"},
             {"name":"tcp-only-udp","port":5433,"protocol":"TCP","allowedRoutes":{"kinds":[{"kind":"UDPRoute"}]}}]
            """),
            tcp: [Route("infra", "db", """{"parentRefs":[{"name":"gw","sectionName":"tcp"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}"""),
                  Route("infra", "dns-over-tcp", """{"parentRefs":[{"name":"gw","sectionName":"udp"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""")],
            udp: [Route("infra", "dns", """{"parentRefs":[{"name":"gw","port":53}],"rules":[{"backendRefs":[{"name":"dns","port":53}]}]}""")],
            ports: [(5432, 20000), (53, 20001), (5433, 20002)]);
        var listeners = Listeners(config);
        Assert.Equal("TCPRoute", (string)listeners["tcp"]["supportedKinds"]![0]!["kind"]!);
        Assert.Equal("UDPRoute", (string)listeners["udp"]["supportedKinds"]![0]!["kind"]!);
        Assert.Contains("ResolvedRefs=False/InvalidRouteKinds", Conditions(listeners["tcp-only-udp"]["conditions"]));
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", RouteStatus(config, "TCPRoute", "infra/db"));
        Assert.Equal("Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs", RouteStatus(config, "TCPRoute", "infra/dns-over-tcp"));
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs", RouteStatus(config, "UDPRoute", "infra/dns"));
        Assert.Equal(new Dictionary<int, string> { [20000] = "TCP", [20001] = "UDP", [20002] = "TCP" }, config.Gateways.StreamListenPorts);
        Assert.Equal("10.244.1.1:8443", config.Gateways.StreamPortFor(20000)!.RouteFor(null)!.Pick()!.Pool!.Usable.Single().ToString());
        // Service "dns" has port 53 twice; the UDPRoute gets the UDP one's endpoints (5353), not the TCP one's (5354).
        Assert.Equal("10.244.1.4:5353", config.Gateways.StreamPortFor(20001)!.RouteFor(null)!.Pick()!.Pool!.Usable.Single().ToString());
        Assert.Equal(new HashSet<int> { 53 }, config.Gateways.Gateways["infra/gw"].UdpPorts);
    }

    [Fact]
    public void TcpAndUdpOnOnePort_AreAProtocolConflict()
    {
        var config = Build(Gateway("""[{"name":"tcp","port":53,"protocol":"TCP"},{"name":"udp","port":53,"protocol":"UDP"}]"""), ports: (53, 20000));
        Assert.All(Listeners(config).Values, l => Assert.Contains("Conflicted=True/ProtocolConflict", Conditions(l["conditions"])));
        Assert.Empty(config.Gateways.StreamListenPorts);
    }

    [Fact]
    public void TlsTerminate_NeedsItsCertificate_AndTakesTcpRoutes()
    {
        var (crt, key) = Pem(ecdsa: true, "*.example.com");
        var config = Build(Gateway("""
            [{"name":"term","port":8443,"protocol":"TLS","hostname":"*.example.com","tls":{"mode":"Terminate","certificateRefs":[{"name":"cert"}]}},
             {"name":"nocert","port":9443,"protocol":"TLS","tls":{"mode":"Terminate","certificateRefs":[{"name":"missing"}]}}]
            """),
            tcp: [Route("infra", "plain", """{"parentRefs":[{"name":"gw","sectionName":"term"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""")],
            secrets: [TlsSecret("infra", "cert", crt, key)], ports: [(8443, 20000), (9443, 20001)]);
        var listeners = Listeners(config);
        Assert.Equal(["TLSRoute", "TCPRoute"], listeners["term"]["supportedKinds"]!.AsArray().Select(k => (string)k!["kind"]!));
        Assert.Contains("Programmed=True/Programmed", Conditions(listeners["term"]["conditions"]));
        Assert.Contains("ResolvedRefs=False/InvalidCertificateRef", Conditions(listeners["nocert"]["conditions"]));
        Assert.Contains("Programmed=False/Invalid", Conditions(listeners["nocert"]["conditions"]));
        Assert.Equal(new Dictionary<int, string> { [20000] = "TLS" }, config.Gateways.StreamListenPorts);
        var port = config.Gateways.StreamPortFor(20000)!;
        Assert.NotNull(port.ListenerFor("abc.example.com")!.Certificate);
        Assert.Equal("infra/plain", port.RouteFor("abc.example.com")!.Route.ToString());
    }

    [Fact]
    public void HttpRouteOnATlsListener_AndTlsRouteOnAnHttpListener_AreNotAllowed()
    {
        var config = Build(Gateway($$"""[{{Passthrough}},{"name":"http","port":80,"protocol":"HTTP"}]"""),
            tls: [Route("infra", "t", """{"parentRefs":[{"name":"gw","sectionName":"http"}],"hostnames":["a.example.com"],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""")],
            http: [Route("infra", "h", """{"parentRefs":[{"name":"gw","sectionName":"tls"}]}""")],
            ports: [(443, 20000), (80, 20001)]);
        Assert.Equal("Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs", RouteStatus(config, "TLSRoute", "infra/t"));
        Assert.Equal("Accepted=False/NotAllowedByListeners ResolvedRefs=True/ResolvedRefs", Conditions(config.Gateways.RouteParents["infra/h"][0]!["conditions"]));
    }

    [Fact]
    public void OlderTcpRoute_WinsTheListener()
    {
        var config = Build(Gateway("""[{"name":"tcp","port":5432,"protocol":"TCP"}]"""),
            tcp: [Route("infra", "new", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"b","port":443}]}]}""", ageMinutes: 1),
                  Route("infra", "old", """{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"a","port":443}]}]}""", ageMinutes: 5)],
            ports: (5432, 20000));
        Assert.Equal("infra/old", config.Gateways.StreamPortFor(20000)!.RouteFor(null)!.Route.ToString());
        Assert.Equal(2, (int)Listeners(config)["tcp"]["attachedRoutes"]!);
    }
}
