using System.Text.Json.Nodes;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests;

/// <summary>Service port → EndpointSlice port → upstreams, and the problems of backends that cannot be resolved.</summary>
public class BackendResolutionTests
{
    static readonly JsonObject[] Services =
    [
        Service("shop", "web", ("http", 80), ("metrics", 9090)),
        Service("shop", "plain", ("", 80)),
    ];

    static readonly JsonObject[] Slices =
    [
        Slice("shop", "web-a", "web", [("http", 8080), ("metrics", 9091)],
            ("10.244.0.5", true, true, false), ("10.244.0.6", false, true, true), ("10.244.0.7", null, null, null)),
        Slice("shop", "web-b", "web", [("http", 8080)], ("10.244.0.8", false, false, false), ("10.244.0.5", true, true, false)),
        Ready("other", "web-x", "web", "http", 8080, "10.9.9.9"), // same Service name, other namespace
        Ready("shop", "api-x", "api", "http", 8080, "10.9.9.8"), // other Service
        Ready("shop", "plain-a", "plain", "", 8081, "10.244.1.1"),
    ];

    static Upstream Upstream(RouteDecision d) => Assert.Single(((RouteDecision.Forward)d).Backend.Endpoints);

    static BackendPool Pool(EdgeConfig config, string host) => ((RouteDecision.Forward)config.Route(host, "/", true)).Backend;

    static EdgeConfig One(JsonObject backend, IEnumerable<JsonObject>? services = null) =>
        Build([Ingress("shop", "ing", 1, [Rule("h.example.com", Path("/", "Prefix", backend))])], services ?? Services, Slices);

    [Fact]
    public void Resolve_PortByNumber_SlicePortOfSameNameAndAllConditions()
    {
        var pool = Pool(One(Backend("web", 80)), "h.example.com");
        Assert.Equal(("shop", "web", "web:80"), (pool.Namespace, pool.Service, pool.Display));
        Assert.Equal(
            ["10.244.0.5:8080 R S -", "10.244.0.6:8080 - S T", "10.244.0.7:8080 R S -", "10.244.0.8:8080 - - -"],
            pool.Endpoints.Select(e => $"{e} {(e.Ready ? "R" : "-")} {(e.Serving ? "S" : "-")} {(e.Terminating ? "T" : "-")}"));
        Assert.Equal(["10.244.0.5:8080", "10.244.0.7:8080"], pool.Usable.Select(u => u.ToString()));
    }

    [Fact]
    public void Resolve_PortByName_UsesThatSlicePort()
    {
        var pool = Pool(One(Backend("web", "metrics")), "h.example.com");
        Assert.Equal("web:metrics", pool.Display);
        Assert.Equal(["10.244.0.5:9091", "10.244.0.6:9091", "10.244.0.7:9091"], pool.Endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void Resolve_UnnamedServicePort_MatchesUnnamedSlicePort() =>
        Assert.Equal("10.244.1.1:8081", Upstream(One(Backend("plain", 80)).Route("h.example.com", "/", true)).ToString());

    [Fact]
    public void Resolve_AppProtocol_Carried()
    {
        var svc = Service("shop", "grpc", ("h2", 50051));
        svc["spec"]!["ports"]![0]!["appProtocol"] = "kubernetes.io/h2c";
        Assert.Equal("kubernetes.io/h2c", Pool(One(Backend("grpc", 50051), [svc]), "h.example.com").AppProtocol);
    }

    public static TheoryData<string, JsonObject, string> Unresolvable => new()
    {
        { "missing Service", Backend("gone", 80), "Service \"shop/gone\" not found" },
        { "port number absent", Backend("web", 81), "Service \"shop/web\" has no port 81" },
        { "port name absent", Backend("web", "grpc"), "Service \"shop/web\" has no port grpc" },
        {
            "resource backend",
            new JsonObject { ["resource"] = new JsonObject { ["apiGroup"] = "k8s.example.com", ["kind"] = "StorageBucket", ["name"] = "static" } },
            "resource backend StorageBucket/static is not supported; only service backends are"
        },
    };

    [Theory]
    [MemberData(nameof(Unresolvable))]
    public void Resolve_Unresolvable_EmptyPoolAndProblem(string why, JsonObject backend, string message)
    {
        var config = One(backend);
        var forward = Assert.IsType<RouteDecision.Forward>(config.Route("h.example.com", "/", true));
        Assert.True(forward.Backend.Endpoints.Count == 0, why);
        Assert.Empty(forward.Backend.Usable);
        var problem = Assert.Single(config.Problems);
        Assert.Equal(new IngressProblem(new IngressRef("shop", "ing"), "BadConfig", message), problem);
    }

    [Fact]
    public void Resolve_SameMissingServiceOnTwoPaths_OneProblem()
    {
        var config = Build([Ingress("shop", "ing", 1, [Rule("h.example.com", Path("/a", "Prefix", Backend("gone", 80)), Path("/b", "Prefix", Backend("gone", 80)))])]);
        Assert.Single(config.Problems);
    }

    [Fact]
    public void Resolve_DefaultBackendMissingService_Problem()
    {
        var config = Build([Ingress("shop", "ing", 1, [], defaultBackend: Backend("gone", 80))]);
        Assert.Equal("shop/ing→gone:80", Show(config.Route("any.test", "/x", true)));
        Assert.Contains("not found", Assert.Single(config.Problems).Message);
    }

    [Fact]
    public void Resolve_ExternalNameService_EmptyPoolAndProblem()
    {
        var svc = Service("shop", "ext");
        svc["spec"]!["type"] = "ExternalName";
        var config = One(Backend("ext", 80), [svc]);
        Assert.Empty(Pool(config, "h.example.com").Endpoints);
        Assert.Contains("ExternalName", Assert.Single(config.Problems).Message);
    }
}
