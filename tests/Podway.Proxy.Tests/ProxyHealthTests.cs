using System.Text.Json.Nodes;

namespace Podway.Proxy.Tests;

/// <summary>kube-proxy's /healthz and /livez semantics: unhealthy only once a queued change waited past the timeout.</summary>
public sealed class ProxyHealthTests
{
    static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 50, 1, 250, TimeSpan.Zero);
    DateTimeOffset _now = Start;

    ProxyHealth NewHealth() => new(TimeSpan.FromSeconds(60), () => _now);

    [Fact]
    public void Answer_Starting_HealthyWithNodeEligible()
    {
        var r = NewHealth().Answer("/healthz");
        Assert.Equal(200, r.Status);
        Assert.Equal("application/json", r.ContentType);
        var body = JsonNode.Parse(r.Body)!;
        Assert.Equal("2026-12-07 09:50:01.25 +0000 UTC", body["currentTime"]!.GetValue<string>());
        Assert.True(body["nodeEligible"]!.GetValue<bool>());
    }

    [Fact]
    public void Answer_ChangeQueuedLongerThanTheTimeout_503UntilASyncReachesTheKernel()
    {
        var health = NewHealth();
        health.Updated();
        health.QueuedUpdate();
        _now = Start.AddSeconds(59);
        Assert.Equal(200, health.Answer("/healthz").Status);
        health.QueuedUpdate(); // a later change does not restart the clock
        _now = Start.AddSeconds(61);
        Assert.Equal(503, health.Answer("/healthz").Status);
        var livez = health.Answer("/livez");
        Assert.Equal(503, livez.Status);
        Assert.Equal("2026-12-07 09:50:01.25 +0000 UTC", JsonNode.Parse(livez.Body)!["lastUpdated"]!.GetValue<string>());
        Assert.Null(JsonNode.Parse(livez.Body)!["nodeEligible"]);

        health.Updated();
        Assert.Equal(200, health.Answer("/healthz").Status);
    }

    [Fact]
    public void Answer_OtherPath_404() => Assert.Equal(404, NewHealth().Answer("/metrics").Status);
}
