using System.Text.Json.Nodes;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Annotations;

/// <summary>rewrite-target and use-regex as ingress-nginx documents them (user-guide/nginx-configuration/annotations
/// "Rewrite" and user-guide/ingress-path-matching): capture groups, regex paths for the whole host, first match in
/// descending path length, case-insensitive matching, the query kept.</summary>
public class RewriteAnnotationTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    static JsonObject Annotated(string name, string host, Dictionary<string, string> annotations, params JsonObject[] paths) =>
        Ingress("web", name, 10, [Rule(host, paths)], annotations: annotations);

    static readonly EdgeConfig Config = Build(
    [
        // The documentation's example: /something(/|$)(.*) with rewrite-target /$2.
        Annotated("rewrite", "rewrite.example.com", new() { [P + "rewrite-target"] = "/$2", [P + "x-forwarded-prefix"] = "/something" },
            Path("/something(/|$)(.*)", "ImplementationSpecific", Backend("api", 80))),
        // use-regex without rewrite: paths are regexes, longest first (ingress-path-matching's example).
        Annotated("regex", "regex.example.com", new() { [P + "use-regex"] = "true" },
            Path("/foo/bar/bar", "Prefix", Backend("a", 80)),
            Path("/foo/bar/[A-Z0-9]{3}", "Prefix", Backend("b", 80)),
            Path("/foo/bar", "Prefix", Backend("c", 80))),
        // A plain Ingress on a host where another Ingress asks for regexes: its paths become regexes too.
        Annotated("plain", "mixed.example.com", [], Path("/app", "Prefix", Backend("plain", 80))),
        Annotated("regex-too", "mixed.example.com", new() { [P + "use-regex"] = "true" }, Path("/api/v[0-9]+", "Prefix", Backend("versioned", 80))),
        Annotated("bad-regex", "bad.example.com", new() { [P + "use-regex"] = "true" }, Path("/broken(", "Prefix", Backend("x", 80))),
        Annotated("bad-bool", "badbool.example.com", new() { [P + "use-regex"] = "yes please" }, Path("/app", "Prefix", Backend("x", 80))),
    ]);

    [Theory]
    [InlineData("rewrite.example.com", "/something", "", "/")]
    [InlineData("rewrite.example.com", "/something/", "", "/")]
    [InlineData("rewrite.example.com", "/something/new", "", "/new")]
    [InlineData("rewrite.example.com", "/something/new/deeper", "?a=1", "/new/deeper?a=1")]
    [InlineData("rewrite.example.com", "/SOMETHING/new", "", "/new")] // (?i), as nginx's rewrite
    public void Rewrite_CaptureGroups_ReplaceTheWholePath(string host, string path, string query, string expected)
    {
        var forward = Assert.IsType<RouteDecision.Forward>(Config.Route(host, path, isHttps: false));
        Assert.Equal(expected, forward.Rewrite!.Apply(path, query));
        Assert.Equal("/something", forward.Rewrite.XForwardedPrefix);
    }

    [Theory]
    // The guide's caveat: the regex is longer than /foo/bar/bar, so it is tried first and wins for /foo/bar/bar.
    [InlineData("/foo/bar/bar", "b")]
    [InlineData("/foo/bar/ABC", "b")]
    [InlineData("/foo/bar/abc", "b")]   // ~* is case-insensitive
    [InlineData("/foo/bar/x", "c")]
    [InlineData("/foo/barbaz", "c")]    // ^/foo/bar is a string prefix, not element-wise
    [InlineData("/FOO/BAR", "c")]
    public void UseRegex_PathsMatchInDescendingLength(string path, string service) =>
        Assert.Equal($"web/regex→{service}:80", Show(Config.Route("regex.example.com", path, isHttps: false)));

    [Theory]
    [InlineData("/APP/x", "web/plain→plain:80")]  // became `~* "^/app"`
    [InlineData("/api/v12/users", "web/regex-too→versioned:80")]
    [InlineData("/api/vx", "404")]
    public void UseRegex_AppliesToEveryPathOfTheHost(string path, string expected) =>
        Assert.Equal(expected, Show(Config.Route("mixed.example.com", path, isHttps: false)));

    [Fact]
    public void InvalidRegexAndInvalidBool_AreWarnedAndDoNotRoute()
    {
        Assert.Equal("404", Show(Config.Route("bad.example.com", "/broken(", isHttps: false)));
        Assert.Contains(Config.Problems, p => p.Ingress.Name == "bad-regex" && p.Message.Contains("\"/broken(\" is not a valid regular expression"));
        Assert.Contains(Config.Problems, p => p.Ingress.Name == "bad-bool" && p.Reason == AnnotationReader.InvalidReason
                                              && p.Message.Contains(P + "use-regex"));
        // Ignored means plain prefix matching: /app still routes, element-wise.
        Assert.Equal("web/bad-bool→x:80", Show(Config.Route("badbool.example.com", "/app/x", isHttps: false)));
        Assert.Equal("404", Show(Config.Route("badbool.example.com", "/apple", isHttps: false)));
    }

    [Fact]
    public void ImplementedAnnotations_AreNotReportedAsUnsupported() =>
        Assert.DoesNotContain(Config.Problems, p => p.Reason == UnsupportedAnnotations.Reason);

    [Theory]
    [InlineData("/new/$1", "/old/(.*)", "/old/a/b", "?q=1", "/new/a/b?q=1")]
    [InlineData("/new?x=1", "/old", "/old", "?q=1", "/new?x=1&q=1")]   // nginx appends the args after &
    [InlineData("/new?", "/old", "/old", "?q=1", "/new")]              // a trailing ? drops them
    [InlineData("/${1}x", "/(a)(b)?", "/a", "", "/ax")]                // ${n}, unmatched groups are empty
    [InlineData("/$2", "/(a)(b)?", "/a", "", "/")]
    public void PathRewrite_NginxReplacementRules(string target, string path, string requestPath, string query, string expected)
    {
        var rewrite = new RewriteAnnotations(target, false, null).For(path)!;
        Assert.Equal(expected, rewrite.Apply(requestPath, query));
    }
}
