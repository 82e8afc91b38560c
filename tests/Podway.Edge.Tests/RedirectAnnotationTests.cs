using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests;

/// <summary>ingress-nginx's permanent-redirect, temporal-redirect (with their -code) and app-root, as (host, path) → verdict.</summary>
public class RedirectAnnotationTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    static readonly EdgeConfig Config = Build(
    [
        Annotated("moved", "moved.example.com", new() { [P + "permanent-redirect"] = "https://www.example.org/new" }),
        Annotated("moved-308", "moved308.example.com", new() { [P + "permanent-redirect"] = "https://x.example.org/", [P + "permanent-redirect-code"] = "308" }),
        Annotated("bad-code", "badcode.example.com", new() { [P + "permanent-redirect"] = "https://x.example.org/", [P + "permanent-redirect-code"] = "200" }),
        Annotated("both", "both.example.com", new() { [P + "permanent-redirect"] = "https://p.example.org/", [P + "temporal-redirect"] = "https://t.example.org/" }),
        Annotated("temp-307", "temp.example.com", new() { [P + "temporal-redirect"] = "https://t.example.org/", [P + "temporal-redirect-code"] = "307" }),
        Annotated("rooted", "app.example.com", new() { [P + "app-root"] = "/app1" }),
    ]);

    static System.Text.Json.Nodes.JsonObject Annotated(string name, string host, Dictionary<string, string> annotations) =>
        Ingress("web", name, 10, [Rule(host, Path("/", "Prefix", Backend("web", 80)))], annotations: annotations);

    [Theory]
    [InlineData("moved.example.com", "/any/path", "301 https://www.example.org/new")]
    [InlineData("moved308.example.com", "/", "308 https://x.example.org/")]
    [InlineData("badcode.example.com", "/", "301 https://x.example.org/")]      // out of range: the default
    [InlineData("both.example.com", "/", "302 https://t.example.org/")]        // temporal wins, as ingress-nginx
    [InlineData("temp.example.com", "/x", "307 https://t.example.org/")]
    [InlineData("app.example.com", "/", "302 http://app.example.com/app1")]
    [InlineData("app.example.com", "/app1/page", "forward web/rooted→web:80")]  // only `/` is sent to the app root
    public void Route_RedirectAnnotations(string host, string path, string expected)
    {
        var decision = Config.Route(host, path, isHttps: false);
        Assert.Equal(expected, decision switch
        {
            RouteDecision.Redirect r => $"{r.Status} {r.Location}" + (r.KeepQuery ? " +query" : ""),
            _ => "forward " + Show(decision),
        });
    }

    [Fact]
    public void RedirectAnnotations_AreNotReportedAsUnsupported() =>
        Assert.DoesNotContain(Config.Problems, p => p.Reason == UnsupportedAnnotations.Reason);
}
