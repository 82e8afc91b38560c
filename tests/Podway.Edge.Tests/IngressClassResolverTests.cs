using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Tests;

public class IngressClassResolverTests
{
    static JsonObject Class(string name, string controller, bool isDefault = false) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["annotations"] = isDefault ? new JsonObject { [IngressClassResolver.DefaultClassAnnotation] = "true" } : null,
        },
        ["spec"] = new JsonObject { ["controller"] = controller },
    };

    static JsonObject Ingress(string? className, string? legacy = null) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = "i", ["namespace"] = "ns",
            ["annotations"] = legacy is null ? null : new JsonObject { [IngressClassResolver.LegacyClassAnnotation] = legacy },
        },
        ["spec"] = new JsonObject { ["ingressClassName"] = className },
    };

    static readonly JsonObject Nginx = Class("nginx", "k8s.io/ingress-nginx");
    static readonly JsonObject Podway = Class("podway", "podway.io/edge");
    static readonly JsonObject Traefik = Class("traefik", "traefik.io/ingress-controller");

    public static TheoryData<string, JsonObject, JsonObject[], bool> Cases => new()
    {
        { "class nginx exists", Ingress("nginx"), [Nginx, Traefik], true },
        { "class podway exists", Ingress("podway"), [Podway], true },
        { "class of another controller", Ingress("traefik"), [Nginx, Traefik], false },
        { "class absent", Ingress("nginx"), [Traefik], false },
        { "unknown class", Ingress("haproxy"), [Nginx, Podway], false },
        { "our controller under another class name", Ingress("edge"), [Class("edge", "podway.io/edge")], true },
        { "className wins over legacy annotation", Ingress("traefik", legacy: "nginx"), [Nginx, Traefik], false },
        { "legacy nginx without classes", Ingress(null, legacy: "nginx"), [], true },
        { "legacy podway", Ingress(null, legacy: "podway"), [Traefik], true },
        { "legacy other", Ingress(null, legacy: "traefik"), [Class("x", "podway.io/edge", isDefault: true)], false },
        { "neither, our class default", Ingress(null), [Class("nginx", "k8s.io/ingress-nginx", isDefault: true), Traefik], true },
        { "neither, foreign class default", Ingress(null), [Nginx, Class("traefik", "traefik.io/ingress-controller", isDefault: true)], false },
        { "neither, no default", Ingress(null), [Nginx, Podway], false },
        { "empty className treated as none", Ingress(""), [Class("podway", "podway.io/edge", isDefault: true)], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsOurs_Table_MatchesIngressNginxRules(string why, JsonObject ingress, JsonObject[] classes, bool expected) =>
        Assert.True(expected == IngressClassResolver.IsOurs(ingress, classes), why);

    [Fact]
    public void IsDefault_AnnotationNotExactlyTrue_NotDefault()
    {
        var c = Class("nginx", "k8s.io/ingress-nginx");
        c["metadata"]!["annotations"] = new JsonObject { [IngressClassResolver.DefaultClassAnnotation] = "yes" };
        Assert.False(IngressClassResolver.IsDefault(c));
    }

    [Fact]
    public void Served_MixedIngresses_KeepsOnlyOurs()
    {
        var served = IngressClassResolver.Served([Ingress("nginx"), Ingress("traefik"), Ingress(null)], [Nginx, Traefik]);
        Assert.Single(served);
    }
}
