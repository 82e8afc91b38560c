using Podway.ApiServer.Metrics;

namespace Podway.ApiServer.Tests.Metrics;

public sealed class KubeletResourceScrapeTests
{
    // As a kubelet 1.33 prints /metrics/resource (trimmed), with an escaped label value.
    const string Document = """
        # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
        # TYPE container_cpu_usage_seconds_total counter
        container_cpu_usage_seconds_total{container="web",namespace="shop",pod="web-1"} 12.5 1765000000000
        container_cpu_usage_seconds_total{container="side\"car",namespace="shop",pod="web-1"} 0.25 1765000000100
        # HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
        # TYPE container_memory_working_set_bytes gauge
        container_memory_working_set_bytes{container="web",namespace="shop",pod="web-1"} 1.048576e+07 1765000000000
        container_start_time_seconds{container="web",namespace="shop",pod="web-1"} 1.7649e+09 1765000000000
        node_cpu_usage_seconds_total 3456.75 1765000000200
        node_memory_working_set_bytes 2.147483648e+09 1765000000200
        resource_scrape_error 0
        garbage line without value
        broken{container="x" 1
        """;

    [Fact]
    public void Parse_KubeletDocument_ReadsNodeAndContainerSamplesWithTheirTimes()
    {
        var received = DateTimeOffset.FromUnixTimeMilliseconds(1765000009999);
        var scrape = KubeletResourceScrape.Parse(Document, received);

        Assert.Equal(new Reading(3456.75, DateTimeOffset.FromUnixTimeMilliseconds(1765000000200)), scrape.NodeCpu);
        Assert.Equal(2147483648, scrape.NodeMemory!.Value.Value);
        var web = scrape.Containers[("shop", "web-1", "web")];
        Assert.Equal(12.5, web.Cpu!.Value.Value);
        Assert.Equal(10485760, web.Memory!.Value.Value);
        Assert.Equal(1.7649e9, web.StartTime);
        Assert.Equal(0.25, scrape.Containers[("shop", "web-1", "side\"car")].Cpu!.Value.Value);
        Assert.Equal(["web", "side\"car"], scrape.Pods[("shop", "web-1")].Select(c => c.Container));
        Assert.Equal(2, scrape.Containers.Count);
    }

    [Theory]
    [InlineData("m 1", true)]
    [InlineData("m{a=\"1\"} 2 3", true)]
    [InlineData("m{a=1} 2", false)]
    [InlineData("m{a=\"1\" 2", false)]
    [InlineData("m x", false)]
    [InlineData("m 1 2 3", false)]
    [InlineData("", false)]
    public void TryParseSample_MalformedLines_AreRefusedNotThrown(string line, bool ok) =>
        Assert.Equal(ok, KubeletResourceScrape.TryParseSample(line, out _, out _, out _, out _));
}
