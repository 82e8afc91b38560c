using System.Net;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Annotations;

/// <summary>The annotation families' parsing, with ingress-nginx's defaults and its "invalid value: warn and ignore".</summary>
public class AnnotationParsingTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    static (IngressBehaviour Behaviour, List<IngressProblem> Problems) Parse(Dictionary<string, string> annotations)
    {
        var problems = new List<IngressProblem>();
        var ingress = Ingress("web", "w", 1, [], annotations: annotations.ToDictionary(a => P + a.Key, a => a.Value));
        return (IngressBehaviour.Of(new AnnotationReader(ingress, new IngressRef("web", "w"), problems)), problems);
    }

    [Theory]
    [InlineData("8m", 8L * 1024 * 1024)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("1g", 1024L * 1024 * 1024)]
    [InlineData("1000", 1000L)]
    [InlineData("0", null)] // unlimited
    public void ProxyBodySize_NginxSizes(string value, long? bytes)
    {
        var (behaviour, problems) = Parse(new() { ["proxy-body-size"] = value });
        Assert.Equal(bytes, behaviour.Limits!.MaxBodyBytes);
        Assert.Empty(problems);
    }

    [Fact]
    public void Defaults_AreIngressNginxs()
    {
        var (behaviour, problems) = Parse([]);
        Assert.Equal(1024 * 1024, behaviour.Limits!.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), behaviour.Limits.Connect);
        Assert.Equal(TimeSpan.FromSeconds(60), behaviour.Limits.Read);
        Assert.Equal(BackendProtocol.Http, behaviour.Protocol);
        Assert.Null(behaviour.Cors);
        Assert.Null(behaviour.AllowedSources);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("proxy-body-size", "8 MB")]
    [InlineData("proxy-read-timeout", "soon")]
    [InlineData("proxy-send-timeout", "-1")]
    [InlineData("backend-protocol", "FCGI")]
    [InlineData("whitelist-source-range", "10.0.0.0/8, not-a-cidr")]
    [InlineData("enable-cors", "maybe")]
    public void InvalidValue_WarnedAndIgnored(string name, string value)
    {
        var (behaviour, problems) = Parse(new() { [name] = value });
        var problem = Assert.Single(problems);
        Assert.Equal(AnnotationReader.InvalidReason, problem.Reason);
        Assert.Contains(P + name, problem.Message);
        Assert.Equal(Parse([]).Behaviour with { }, behaviour with { }); // as if absent
    }

    [Theory]
    [InlineData("HTTPS", "Https")]
    [InlineData("https", "Https")]
    [InlineData("GRPC", "H2c")]
    [InlineData("H2C", "H2c")]
    [InlineData("GRPCS", "Grpcs")]
    [InlineData("HTTP", "Http")]
    public void BackendProtocol_Values(string value, string expected) =>
        Assert.Equal(expected, Parse(new() { ["backend-protocol"] = value }).Behaviour.Protocol.ToString());

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.1.2.3", false)]
    [InlineData("192.168.1.7/24, 127.0.0.1", "192.168.1.200", true)] // host bits allowed, as net.ParseCIDR
    [InlineData("192.168.1.7/24, 127.0.0.1", "127.0.0.1", true)]
    [InlineData("192.168.1.7/24, 127.0.0.1", "127.0.0.2", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1", true)]
    public void SourceRange_Admits(string ranges, string client, bool allowed) =>
        Assert.Equal(allowed, Parse(new() { ["whitelist-source-range"] = ranges }).Behaviour.AllowedSources!.Allows(IPAddress.Parse(client)));

    [Fact]
    public void Cors_DefaultsAndOrigins()
    {
        var defaults = Parse(new() { ["enable-cors"] = "true" }).Behaviour.Cors!;
        Assert.Equal("*", defaults.AllowedOrigin(null));
        Assert.Equal("GET, PUT, POST, DELETE, PATCH, OPTIONS", defaults.Methods);
        Assert.Equal("DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization", defaults.Headers);
        Assert.True(defaults.Credentials);
        Assert.Equal(1728000, defaults.MaxAge);

        var listed = Parse(new() { ["enable-cors"] = "true", ["cors-allow-origin"] = "https://app.example.com, https://*.example.org" }).Behaviour.Cors!;
        Assert.Equal("https://app.example.com", listed.AllowedOrigin("https://app.example.com"));
        Assert.Equal("https://x.example.org", listed.AllowedOrigin("https://x.example.org"));
        Assert.Null(listed.AllowedOrigin("https://a.b.example.org"));
        Assert.Null(listed.AllowedOrigin("https://evil.example.com"));
        Assert.Null(listed.AllowedOrigin(null));
    }
}
