using System.Net;
using Podway.Trace;

namespace Podway.Trace.Tests;

public sealed class ParsingTests
{
    public sealed record SourceRow(string Text, TraceSourceKind Kind, string Name);

    public static TheoryData<SourceRow> Sources => new()
    {
        new("host", TraceSourceKind.Host, "host"),
        new("pod/client", TraceSourceKind.Pod, "client"),
        new("po/client-7d9f", TraceSourceKind.Pod, "client-7d9f"),
        new("deploy/web", TraceSourceKind.Deployment, "web"),
        new("deployment/web", TraceSourceKind.Deployment, "web"),
    };

    [Theory, MemberData(nameof(Sources))]
    public void SourceParse_ValidForms_KindAndName(SourceRow row)
    {
        var source = TraceSource.Parse(row.Text);
        Assert.Equal(row.Kind, source.Kind);
        Assert.Equal(row.Name, source.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hosts")]
    [InlineData("svc/web")]
    [InlineData("pod/")]
    [InlineData("pod/Web_1")]
    [InlineData("web")]
    public void SourceParse_Invalid_UsageError(string text) => Assert.Throws<TraceUsageException>(() => TraceSource.Parse(text));

    [Fact]
    public void TargetParse_Urls_HostPortPathScheme()
    {
        var short_ = Assert.IsType<TraceTarget.Url>(TraceTarget.Parse("http://web"));
        Assert.Equal(("http", "web", 80, "/"), (short_.Scheme, short_.Host, short_.Port, short_.PathAndQuery));
        var full = Assert.IsType<TraceTarget.Url>(TraceTarget.Parse("http://web.shop.svc:8080/api?x=1"));
        Assert.Equal(("web.shop.svc", 8080, "/api?x=1", "/api"), (full.Host, full.Port, full.PathAndQuery, full.Path));
        var https = Assert.IsType<TraceTarget.Url>(TraceTarget.Parse("https://Shop.Example.com/api"));
        Assert.Equal(("shop.example.com", 443, true), (https.Host, https.Port, https.Https));
    }

    [Fact]
    public void TargetParse_ServicePodAddress()
    {
        Assert.Equal(new TraceTarget.Service("web", null), TraceTarget.Parse("svc/web"));
        Assert.Equal(new TraceTarget.Service("web", "8080"), TraceTarget.Parse("svc/web:8080"));
        Assert.Equal(new TraceTarget.Service("web", "http"), TraceTarget.Parse("service/web:http"));
        Assert.Equal(new TraceTarget.Pod("web-1", "80"), TraceTarget.Parse("pod/web-1:80"));
        Assert.Equal(new TraceTarget.Address(IPAddress.Parse("10.96.0.10"), 53), TraceTarget.Parse("10.96.0.10:53"));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("ftp://x")]
    [InlineData("pod/web")]
    [InlineData("svc/web:0")]
    [InlineData("svc/web:99999")]
    [InlineData("svc/web:Bad_Name")]
    [InlineData("deploy/web:80")]
    [InlineData("10.0.0.1")]
    [InlineData("10.0.0.1:x")]
    [InlineData("http://")]
    public void TargetParse_Invalid_UsageError(string text) => Assert.Throws<TraceUsageException>(() => TraceTarget.Parse(text));
}
