using System.Net;
using System.Net.Sockets;
using Podway.Node.Tests.Kubelet;

namespace Podway.Node.Tests.Probes;

[Collection(ApiServerCollection.Name)]
public sealed class ProbeTests(RealApiServer api)
{
    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task ReadinessProbe_HttpStartsFailing_FlipsReadyToFalse()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var www = Directory.CreateDirectory(Path.Combine(h.TempDir, "www")).FullName;
        File.WriteAllText(Path.Combine(www, "ready"), "ok");
        var port = FreePort();
        await h.CreatePodAsync("ready", $$$"""
            [{"name":"web","image":"busybox","command":["python3","-m","http.server","{{{port}}}","--bind","127.0.0.1","--directory","{{{www}}}"],
              "ports":[{"name":"http","containerPort":{{{port}}}}],
              "readinessProbe":{"httpGet":{"path":"/ready","port":"http"},"periodSeconds":1,"failureThreshold":1}}]
            """);
        var pod = await h.WaitPodAsync("ready", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");
        Assert.True(AgentHarness.ContainerStatus(pod)["ready"]!.GetValue<bool>());

        File.Delete(Path.Combine(www, "ready"));
        pod = await h.WaitPodAsync("ready", p => AgentHarness.ConditionStatus(p, "Ready") == "False", "not Ready", 10);
        Assert.Equal("containers with unready status: [web]", AgentHarness.Condition(pod, "ContainersReady")!["message"]!.GetValue<string>());
        Assert.Equal("Running", pod["status"]!["phase"]!.GetValue<string>());
        Assert.Contains(await h.EventsOnceAsync("ready", e => e["reason"]!.GetValue<string>() == "Unhealthy", "Unhealthy"), e => e["reason"]!.GetValue<string>() == "Unhealthy"
            && e["message"]!.GetValue<string>() == "Readiness probe failed: HTTP probe failed with statuscode: 404");
    }

    [Fact]
    public async Task LivenessProbe_ExecFails_RestartsContainer()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var healthy = Path.Combine(h.TempDir, "healthy");
        File.WriteAllText(healthy, "");
        await h.CreatePodAsync("alive", $$$"""
            [{"name":"c","image":"busybox","command":["sh","-c","trap 'exit 143' TERM; while true; do sleep 0.1; done"],
              "livenessProbe":{"exec":{"command":["test","-f","{{{healthy}}}"]},"periodSeconds":1,"failureThreshold":1}}]
            """);
        await h.WaitPodAsync("alive", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");
        File.Delete(healthy);
        var pod = await h.WaitPodAsync("alive", p => p["status"]?["containerStatuses"]?[0]?["restartCount"]?.GetValue<int>() >= 1, "restarted", 15);
        Assert.Equal(143, AgentHarness.ContainerStatus(pod)["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>());
        var events = await h.EventsOnceAsync("alive", e => e["reason"]!.GetValue<string>() == "Killing", "Killing"); // recorded after Unhealthy
        Assert.Contains(events, e => e["reason"]!.GetValue<string>() == "Killing" && e["message"]!.GetValue<string>() == "Container c failed liveness probe, will be restarted");
        Assert.Contains(events, e => e["reason"]!.GetValue<string>() == "Unhealthy" && e["message"]!.GetValue<string>().StartsWith("Liveness probe failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartupProbe_UntilTcpPortOpens_ContainerNotStarted()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var port = FreePort();
        await h.CreatePodAsync("slow", $$$"""
            [{"name":"c","image":"busybox","command":["sh","-c","sleep 1.5; exec python3 -m http.server {{{port}}} --bind 127.0.0.1"],
              "startupProbe":{"tcpSocket":{"port":{{{port}}}},"periodSeconds":1,"failureThreshold":30}}]
            """);
        var early = await h.WaitPodAsync("slow", p => p["status"]?["phase"]?.GetValue<string>() == "Running", "Running");
        Assert.False(AgentHarness.ContainerStatus(early)["started"]!.GetValue<bool>());
        Assert.Equal("False", AgentHarness.ConditionStatus(early, "Ready"));
        var pod = await h.WaitPodAsync("slow", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready", 10);
        Assert.True(AgentHarness.ContainerStatus(pod)["started"]!.GetValue<bool>());
    }
}
