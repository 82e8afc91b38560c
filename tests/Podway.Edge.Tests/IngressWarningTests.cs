using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests;

/// <summary>What the edge reports on Ingresses as Warning events: ingress-nginx annotations it ignores, and host/path rules an older Ingress wins.</summary>
public class IngressWarningTests
{
    [Fact]
    public void UnimplementedNginxAnnotations_AreEachNamed_ImplementedAndForeignOnesAreNot()
    {
        var config = Build(
        [
            Ingress("shop", "annotated", 10, [Rule("a.example.com", Path("/", "Prefix", Backend("web", 80)))], annotations: new()
            {
                ["nginx.ingress.kubernetes.io/auth-url"] = "http://auth.example.com/check",
                ["nginx.ingress.kubernetes.io/rewrite-target"] = "/$2", // implemented: no warning
                ["nginx.ingress.kubernetes.io/configuration-snippet"] = "more_set_headers \"X: y\";",
                ["nginx.ingress.kubernetes.io/ssl-redirect"] = "false",
                ["kubernetes.io/description"] = "not nginx's",
            }),
        ]);

        Assert.Equal(
        [
            "shop/annotated UnsupportedAnnotation: annotation nginx.ingress.kubernetes.io/auth-url is not implemented by podway's edge: it has no effect",
            "shop/annotated UnsupportedAnnotation: annotation nginx.ingress.kubernetes.io/configuration-snippet is nginx configuration syntax, which podway's edge does not run (it is not nginx): refused and ignored",
        ], Problems(config, UnsupportedAnnotations.Reason));
    }

    [Fact]
    public void SameHostAndPathInTwoIngresses_TheOlderServes_TheNewerIsWarned()
    {
        var config = Build(
        [
            Ingress("team-b", "newer", 5, [Rule("shop.example.com", Path("/api", "Prefix", Backend("api-b", 80)), Path("/b", "Prefix", Backend("b", 80)))]),
            Ingress("team-a", "older", 30, [Rule("shop.example.com", Path("/api/", "Prefix", Backend("api-a", 80)))]),
            Ingress("team-a", "exact", 1, [Rule("shop.example.com", Path("/api", "Exact", Backend("api-exact", 80)))]),
        ]);

        Assert.Equal("team-a/older→api-a:80", Show(config.Route("shop.example.com", "/api/x", false)));
        Assert.Equal("team-b/newer→b:80", Show(config.Route("shop.example.com", "/b", false)));
        // Exact and Prefix on the same path are different rules: no conflict.
        Assert.Equal(
        [
            "team-b/newer PathConflict: host \"shop.example.com\" and path \"/api\" is already defined in ingress team-a/older: the older Ingress serves it",
        ], Problems(config, EdgeConfigBuilder.ConflictReason));
    }

    static List<string> Problems(EdgeConfig config, string reason) =>
        config.Problems.Where(p => p.Reason == reason).Select(p => $"{p.Ingress.Namespace}/{p.Ingress.Name} {p.Reason}: {p.Message}").ToList();
}
