using Podway.Proxy.Flows;

namespace Podway.Cli.Tests;

/// <summary>`podway flows` lines: the Service asked for and the Pod reached, whichever way the kernel saw them.</summary>
public sealed class FlowTextTests
{
    static FlowRecord Flow(string verdict) => new()
    {
        Seq = 1, Time = DateTimeOffset.UnixEpoch, Node = "n", Verdict = verdict, Protocol = "tcp",
        SourceIp = "10.244.0.9", SourcePort = 40000, SourcePod = "other/c", DestinationIp = "10.96.0.7", DestinationPort = 80,
    };

    [Fact]
    public void Line_ForwardedThroughService_ServiceThenEndpointPod()
    {
        var line = FlowText.Line(Flow(FlowRecord.Forwarded) with { Service = "shop/web:80", BackendIp = "10.244.0.5", BackendPort = 8080, DestinationPod = "shop/p1" });
        Assert.Contains("svc shop/web:80 -> shop/p1 (10.244.0.5:8080)", line);
        Assert.EndsWith("FORWARDED", line);
    }

    [Fact]
    public void Line_DroppedAfterDnat_ServiceThenThePodTheDropHit()
    {
        var line = FlowText.Line(Flow(FlowRecord.Dropped) with
        {
            DestinationIp = "10.244.0.5", DestinationPort = 8080, DestinationPod = "shop/p1", Service = "shop/web:80", Reason = "shop/deny-p1",
        });
        Assert.Contains("svc shop/web:80 -> shop/p1 (10.244.0.5:8080)", line);
        Assert.EndsWith("DROPPED by shop/deny-p1", line);
    }

    [Fact]
    public void Line_RejectedNoEndpoints_ServiceAndItsAddress()
    {
        var line = FlowText.Line(Flow(FlowRecord.Rejected) with { Service = "shop/nobody:80", Reason = "no endpoints" });
        Assert.Contains("svc shop/nobody:80 (10.96.0.7:80)", line);
        Assert.EndsWith("REJECTED no endpoints", line);
    }
}
