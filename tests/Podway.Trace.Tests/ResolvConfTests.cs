using Podway.Trace;

namespace Podway.Trace.Tests;

public sealed class ResolvConfTests
{
    const string PodFile = """
        search shop.svc.cluster.local svc.cluster.local cluster.local
        nameserver 10.96.0.10
        options ndots:5
        """;

    [Fact]
    public void Parse_PodFile_ServerSearchNdots()
    {
        var conf = ResolvConf.Parse(PodFile);
        Assert.Equal("10.96.0.10", Assert.Single(conf.Nameservers).ToString());
        Assert.Equal(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], conf.Search);
        Assert.Equal(5, conf.Ndots);
    }

    [Fact]
    public void Candidates_FewerDotsThanNdots_SearchFirst()
    {
        var conf = ResolvConf.Parse(PodFile);
        Assert.Equal(["web.shop.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"], conf.Candidates("web"));
        Assert.Equal("web.other.shop.svc.cluster.local", conf.Candidates("web.other")[0]);
    }

    [Fact]
    public void Candidates_NdotsReachedOrTrailingDot_NameFirst()
    {
        var conf = ResolvConf.Parse(PodFile);
        Assert.Equal("a.b.c.d.e.f", conf.Candidates("a.b.c.d.e.f")[0]);
        Assert.Equal(["web.shop.svc.cluster.local"], conf.Candidates("web.shop.svc.cluster.local."));
        var host = ResolvConf.Parse("nameserver 1.1.1.1\nsearch example.org\n");
        Assert.Equal(1, host.Ndots);
        Assert.Equal(["www.example.com", "www.example.com.example.org"], host.Candidates("www.example.com"));
    }

    [Theory]
    [InlineData("web", "web", null)]
    [InlineData("web.shop", "web", "shop")]
    [InlineData("web.shop.svc", "web", "shop")]
    [InlineData("web.shop.svc.cluster.local", "web", "shop")]
    public void ServiceName_ClusterNames_NameAndNamespace(string host, string name, string? ns)
    {
        var parsed = ServiceName.Parse(host, "cluster.local");
        Assert.NotNull(parsed);
        Assert.Equal((name, ns), (parsed.Name, parsed.Namespace));
    }

    [Fact]
    public void ServiceName_OutsideName_Null() => Assert.Null(ServiceName.Parse("shop.example.com", "cluster.local"));
}
