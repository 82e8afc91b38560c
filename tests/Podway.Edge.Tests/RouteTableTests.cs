using System.Text.Json.Nodes;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests;

/// <summary>Host and path matching as the Ingress API defines it, stated as (host, path) → verdict tables.</summary>
public class RouteTableTests
{
    static readonly EdgeConfig Config = Build(
    [
        Ingress("shop", "paths", 60,
        [
            Rule("paths.example.com",
                Path("/", "Prefix", Backend("root", 80)),
                Path("/aaa/", "Prefix", Backend("aaa", 80)),
                Path("/aaa/bbb", "Prefix", Backend("bbb", 80)),
                Path("/exact", "Exact", Backend("exact", 80)),
                Path("/len", "Prefix", Backend("plen", 80)),
                Path("/len", "Exact", Backend("elen", 80)),
                Path("/docs", "ImplementationSpecific", Backend("docs", 80)),
                Path("/foo/", "Exact", Backend("fooslash", 80)),
                Path("/Case", "Prefix", Backend("case", 80))),
        ]),
        Ingress("other", "merge-old", 45,
        [
            Rule("paths.example.com", Path("/merged", "Prefix", Backend("m-old", 80)), Path("/conflict", "Prefix", Backend("c-old", 80))),
        ]),
        Ingress("zzz", "merge-new", 5,
        [
            Rule("paths.example.com", Path("/conflict/", "Prefix", Backend("c-new", 80)), Path("/newpath", "Prefix", Backend("n-new", 80))),
        ]),
        Ingress("b", "tie", 7, [Rule("tie.example.com", Path("/", "Prefix", Backend("b-svc", 80)))]),
        Ingress("a", "tie", 7, [Rule("tie.example.com", Path("/", "Prefix", Backend("a-svc", 80)))]),
        Ingress("shop", "hosts", 50,
        [
            Rule("app.example.com", Path("/", "Prefix", Backend("app", 80))),
            Rule("*.example.com", Path("/", "Prefix", Backend("wild", 80))),
            Rule("only-api.example.com", Path("/api", "Prefix", Backend("only-api", 80))),
        ]),
        Ingress("other", "anyhost", 40, [Rule(null, Path("/any", "Prefix", Backend("any", 80)))]),
        Ingress("shop", "fallback", 30, [], defaultBackend: Backend("fallback", 80)),
        Ingress("shop", "fallback-younger", 20, [], defaultBackend: Backend("fallback2", 80)),
        Ingress("shop", "own-default", 10, [Rule("own.example.com", Path("/api", "Prefix", Backend("ownapi", 80)))],
            defaultBackend: Backend("owndefault", 80)),
        Ingress("shop", "foreign", 100, [Rule("foreign.test", Path("/", "Prefix", Backend("foreign", 80)))], className: "traefik"),
        Ingress("shop", "legacy", 100, [Rule("legacy.example.com", Path("/", "Prefix", Backend("legacy", 80)))], className: null,
            annotations: new() { ["kubernetes.io/ingress.class"] = "nginx" }),
    ]);

    public static TheoryData<string, string, string> Rows => new()
    {
        // Prefix is element-wise; trailing slashes on the rule are ignored; "/" matches everything.
        { "paths.example.com", "/", "shop/paths→root:80" },
        { "paths.example.com", "", "shop/paths→root:80" },
        { "paths.example.com", "/aaa", "shop/paths→aaa:80" },
        { "paths.example.com", "/aaa/", "shop/paths→aaa:80" },
        { "paths.example.com", "/aaa/ccc", "shop/paths→aaa:80" },
        { "paths.example.com", "/aaaccc", "shop/paths→root:80" },
        { "paths.example.com", "/aaa/bbb", "shop/paths→bbb:80" },
        { "paths.example.com", "/aaa/bbb/", "shop/paths→bbb:80" },
        { "paths.example.com", "/aaa/bbb/ccc", "shop/paths→bbb:80" },
        { "paths.example.com", "/aaa/bbbxyz", "shop/paths→aaa:80" },
        // Exact is exact: no trailing slash tolerance, no children; case-sensitive everywhere.
        { "paths.example.com", "/exact", "shop/paths→exact:80" },
        { "paths.example.com", "/exact/", "shop/paths→root:80" },
        { "paths.example.com", "/exact/x", "shop/paths→root:80" },
        { "paths.example.com", "/foo/", "shop/paths→fooslash:80" },
        { "paths.example.com", "/foo", "shop/paths→root:80" },
        { "paths.example.com", "/case", "shop/paths→root:80" },
        { "paths.example.com", "/Case/x", "shop/paths→case:80" },
        // Equal length: Exact beats Prefix.
        { "paths.example.com", "/len", "shop/paths→elen:80" },
        { "paths.example.com", "/len/x", "shop/paths→plen:80" },
        // ImplementationSpecific is Prefix.
        { "paths.example.com", "/docs/x", "shop/paths→docs:80" },
        { "paths.example.com", "/docsx", "shop/paths→root:80" },
        // Rules of one host from several Ingresses merge; the same path conflicts go to the older Ingress.
        { "paths.example.com", "/merged/x", "other/merge-old→m-old:80" },
        { "paths.example.com", "/conflict", "other/merge-old→c-old:80" },
        { "paths.example.com", "/newpath", "zzz/merge-new→n-new:80" },
        { "tie.example.com", "/", "a/tie→a-svc:80" },
        // Hosts: exact beats wildcard; a wildcard matches exactly one label.
        { "app.example.com", "/x", "shop/hosts→app:80" },
        { "foo.example.com", "/x", "shop/hosts→wild:80" },
        { "paths.example.com.", "/aaa", "shop/paths→aaa:80" },
        { "a.b.example.com", "/any/1", "other/anyhost→any:80" },
        { "example.com", "/any", "other/anyhost→any:80" },
        // A host with rules does not fall through to the host-less rules: its default, then the catch-all.
        { "only-api.example.com", "/api", "shop/hosts→only-api:80" },
        { "only-api.example.com", "/any", "shop/fallback→fallback:80" },
        { "own.example.com", "/api/v1", "shop/own-default→ownapi:80" },
        { "own.example.com", "/other", "shop/own-default→owndefault:80" },
        // Unknown hosts: host-less rules, then the oldest Ingress's defaultBackend.
        { "unknown.test", "/any", "other/anyhost→any:80" },
        { "unknown.test", "/else", "shop/fallback→fallback:80" },
        // Classes: a foreign class is not served; the legacy annotation is.
        { "foreign.test", "/", "shop/fallback→fallback:80" },
        { "legacy.example.com", "/", "shop/legacy→legacy:80" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Route_Table_MatchesIngressSemantics(string host, string path, string expected) =>
        Assert.Equal(expected, Show(Config.Route(host, path, isHttps: true)));

    [Fact]
    public void Route_NoRuleNoDefaultBackend_NotFound()
    {
        var config = Build([Ingress("shop", "web", 1, [Rule("web.example.com", Path("/app", "Prefix", Backend("web", 80)))])]);
        Assert.Equal("404", Show(config.Route("web.example.com", "/", true)));
        Assert.Equal("404", Show(config.Route("other.example.com", "/app", true)));
        Assert.Equal("shop/web→web:80", Show(config.Route("web.example.com", "/app", true)));
    }

    [Fact]
    public void ServedIngresses_ForeignClassLeftOut_OldestFirst()
    {
        var served = Config.ServedIngresses.Select(i => i.ToString()).ToList();
        Assert.DoesNotContain("shop/foreign", served);
        Assert.Equal(["shop/legacy", "shop/paths", "shop/hosts"], served.Take(3));
    }

    [Fact]
    public void Route_SameDecisionTwice_NoNewForwardAllocated() =>
        Assert.Same(Config.Route("paths.example.com", "/aaa/x", true), Config.Route("paths.example.com", "/aaa/y", true));

    public static TheoryData<string, string, bool, string> RedirectRows => new()
    {
        { "secure.example.com", "/a/b", false, "redirect https://secure.example.com/a/b" },
        { "secure.example.com", "/a/b", true, "tls/secure→s:80" },
        { "optout.example.com", "/", false, "tls/optout→o:80" },
        { "forced.example.com", "/x", false, "redirect https://forced.example.com/x" },
        { "forced.example.com", "/x", true, "tls/forced→f:80" },
        { "a.wild.example.com", "/", false, "redirect https://a.wild.example.com/" },
        { "plain.example.com", "/", false, "tls/plain→p:80" },
        { "plain.example.com", "/", true, "tls/plain→p:80" },
    };

    static readonly EdgeConfig TlsConfig = Build(
    [
        Ingress("tls", "secure", 5, [Rule("secure.example.com", Path("/", "Prefix", Backend("s", 80)))], tls: [Tls("absent", "secure.example.com")]),
        Ingress("tls", "optout", 5, [Rule("optout.example.com", Path("/", "Prefix", Backend("o", 80)))], tls: [Tls("absent", "optout.example.com")],
            annotations: new() { [EdgeConfigBuilder.SslRedirectAnnotation] = "false" }),
        Ingress("tls", "forced", 5, [Rule("forced.example.com", Path("/", "Prefix", Backend("f", 80)))],
            annotations: new() { [EdgeConfigBuilder.ForceSslRedirectAnnotation] = "true" }),
        Ingress("tls", "wild", 5, [Rule("*.wild.example.com", Path("/", "Prefix", Backend("w", 80)))], tls: [Tls("absent", "*.wild.example.com")]),
        Ingress("tls", "plain", 5, [Rule("plain.example.com", Path("/", "Prefix", Backend("p", 80)))]),
    ]);

    [Theory]
    [MemberData(nameof(RedirectRows))]
    public void Route_PlainHttpToTlsHost_RedirectsUnlessOptedOut(string host, string path, bool https, string expected) =>
        Assert.Equal(expected, Show(TlsConfig.Route(host, path, https)));

    [Fact]
    public void Build_IngressWithoutClassAndDefaultClassOurs_Served()
    {
        var ing = Ingress("default", "app", 1, [Rule("app.example.com", Path("/", "Prefix", Backend("my-service", 80)))], className: null);
        Assert.Equal("default/app→my-service:80", Show(Build([ing], classes: [NginxClass(isDefault: true)]).Route("app.example.com", "/", true)));
        Assert.Equal("404", Show(Build([ing], classes: [NginxClass()]).Route("app.example.com", "/", true)));
    }

    [Fact]
    public void Build_MalformedIngressFields_IgnoredWithoutThrowing()
    {
        var bad = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "bad", ["namespace"] = "x" },
            ["spec"] = new JsonObject
            {
                ["ingressClassName"] = "nginx",
                ["rules"] = new JsonArray(new JsonObject { ["host"] = 5, ["http"] = new JsonObject { ["paths"] = "nope" } }, "str"),
                ["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray(1, "ok.example.com") }),
            },
        };
        Assert.Equal("404", Show(Build([bad]).Route("ok.example.com", "/", true)));
    }
}

public class RouteAllocationTests
{
    [Fact]
    public void Route_ForwardAndNotFound_AllocatesNothing()
    {
        var config = EdgeObjects.Build(
        [
            EdgeObjects.Ingress("shop", "web", 1,
            [
                EdgeObjects.Rule("web.example.com", EdgeObjects.Path("/api", "Prefix", EdgeObjects.Backend("api", 80)), EdgeObjects.Path("/", "Prefix", EdgeObjects.Backend("web", 80))),
                EdgeObjects.Rule("*.example.com", EdgeObjects.Path("/x", "Exact", EdgeObjects.Backend("wild", 80))),
            ], tls: [EdgeObjects.Tls("none", "web.example.com")]),
        ]);
        void Run()
        {
            for (var i = 0; i < 100; i++)
            {
                config.Route("web.example.com", "/api/v1/items", true);
                config.Route("foo.example.com", "/x", false);
                config.Route("foo.example.com", "/y", true);
                config.Route("unknown.test", "/", false);
                config.CertificateFor("web.example.com");
            }
        }
        Run(); // JIT and tiering first
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>The seed guide's `store` Ingress (../shared/manifests/001-ingress-store.yaml) as the edge routes it.</summary>
public class SeedStoreIngressTests
{
    static readonly (string Crt, string Key) Shop = EdgeObjects.Pem(ecdsa: false, "shop.example.com");

    static readonly EdgeConfig Config = EdgeObjects.Build(
        [
            EdgeObjects.Ingress("shop", "store", 1,
            [
                EdgeObjects.Rule("shop.example.com",
                    EdgeObjects.Path("/api", "Prefix", EdgeObjects.Backend("api", 80)),
                    EdgeObjects.Path("/", "Prefix", EdgeObjects.Backend("web", 80))),
            ], tls: [EdgeObjects.Tls("shop-tls", "shop.example.com")]),
        ],
        services: [EdgeObjects.Service("shop", "api", ("", 80)), EdgeObjects.Service("shop", "web", ("http", 80))],
        slices: [EdgeObjects.Ready("shop", "api-1", "api", "", 8080, "10.244.0.10"), EdgeObjects.Ready("shop", "web-1", "web", "http", 80, "10.244.0.11")],
        secrets: [EdgeObjects.TlsSecret("shop", "shop-tls", Shop.Crt, Shop.Key)]);

    [Theory]
    [InlineData("shop.example.com", "/api/orders", true, "shop/store→api:80 10.244.0.10:8080")]
    [InlineData("shop.example.com", "/apiary", true, "shop/store→web:80 10.244.0.11:80")]
    [InlineData("shop.example.com", "/", true, "shop/store→web:80 10.244.0.11:80")]
    [InlineData("shop.example.com", "/api", false, "redirect https://shop.example.com/api")]
    [InlineData("", "/api", false, "404")]
    [InlineData("demo.example.com", "/", true, "404")]
    public void Route_SeedStore_ApiThenWebOverTls(string host, string path, bool https, string expected)
    {
        var d = Config.Route(host, path, https);
        Assert.Equal(expected, d is RouteDecision.Forward f ? $"{EdgeObjects.Show(d)} {string.Join(",", f.Backend.Usable)}" : EdgeObjects.Show(d));
    }

    [Fact]
    public void CertificateFor_SeedStore_ShopTlsSecret()
    {
        Assert.Equal("CN=shop.example.com", Config.CertificateFor("shop.example.com").Subject);
        Assert.Empty(Config.Problems);
    }
}

public class EmptyHostTests
{
    [Fact]
    public void Route_NoHostForceSslRedirect_ForwardsInsteadOfBrokenRedirect()
    {
        var config = EdgeObjects.Build([EdgeObjects.Ingress("shop", "any", 1, [EdgeObjects.Rule(null, EdgeObjects.Path("/", "Prefix", EdgeObjects.Backend("web", 80)))],
            annotations: new() { [EdgeConfigBuilder.ForceSslRedirectAnnotation] = "true" })]);
        Assert.Equal("shop/any→web:80", EdgeObjects.Show(config.Route("", "/", false)));
        Assert.Equal("redirect https://x.test/", EdgeObjects.Show(config.Route("x.test", "/", false)));
    }
}
