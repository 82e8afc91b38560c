using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Node.Tests.Kubelet;

[Collection(ApiServerCollection.Name)]
public sealed class ContainerStreamsTests(RealApiServer api)
{
    [Fact]
    public async Task ExecAsync_RunningContainer_RunsWithContainerEnvAndExitCode()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("ex", """[{"name":"c","image":"busybox","command":["sleep","60"],"env":[{"name":"GREETING","value":"hello"}]}]""");
        await h.WaitPodAsync("ex", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");

        await using var session = await h.Agent!.Streams.ExecAsync(h.Namespace, "ex", null, ["sh", "-c", "read x; echo $GREETING $x; exit 3"], false, CancellationToken.None);
        await session.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("world\n"));
        session.Stdin.Close();
        var output = await new StreamReader(session.Stdout).ReadToEndAsync();
        Assert.Equal("hello world\n", output);
        Assert.Equal(3, await session.Exited);
        Assert.Equal(System.Net.IPAddress.Loopback, h.Agent.Streams.PodIp(h.Namespace, "ex"));
        Assert.True(h.Agent.Streams.IsRunning(h.Namespace, "ex", "c"));
    }

    [Fact]
    public async Task AttachAsync_StdinContainer_ReplaysEarlyOutputAndForwardsStdin()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("att", """[{"name":"c","image":"busybox","stdin":true,"stdinOnce":true,"command":["sh","-c","echo early; read line; echo got $line"]}]""", "Never");
        await h.WaitPodAsync("att", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");

        await using var session = await h.Agent!.Streams.AttachAsync(h.Namespace, "att", null, false, CancellationToken.None);
        await session.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("ping\n"));
        var output = await new StreamReader(session.Stdout).ReadToEndAsync();
        Assert.Equal("early\ngot ping\n", output);
        Assert.Equal(0, await session.Exited);
        await h.WaitPodAsync("att", p => p["status"]?["phase"]?.GetValue<string>() == "Succeeded", "Succeeded");
        Assert.False(h.Agent.Streams.IsRunning(h.Namespace, "att", null));
        Assert.Contains("stdout F got ping", File.ReadAllText(h.Agent.Streams.LogPath(h.Namespace, "att", null, false)!));
    }

    [Theory]
    [InlineData("echo hi; echo also >&2", "Succeeded")]
    [InlineData("echo bye; exit 2", "Failed")]
    public async Task LogPath_FinishedPodAfterItsSandboxIsRemoved_StillHasTheOutputUntilThePodIsDeleted(string script, string phase)
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var pod = await h.CreatePodAsync("once", $$"""[{"name":"c","image":"busybox","command":["sh","-c","{{script}}"]}]""", "Never");
        await h.WaitPodAsync("once", p => p["status"]?["phase"]?.GetValue<string>() == phase, phase);
        var uid = ObjectMeta.Uid(pod);
        await Eventually.TrueAsync(() => Task.FromResult(h.Sandboxes.Removed.Contains(uid)), "sandbox removed");
        Assert.False(Directory.Exists(Path.Combine(h.Node.StateDir, "pods", uid)), "the pod's directory went with the sandbox");

        var log = h.Agent!.Streams.LogPath(h.Namespace, "once", "c", previous: false);
        Assert.NotNull(log);
        var text = File.ReadAllText(log);
        Assert.Contains("stdout F " + (phase == "Succeeded" ? "hi" : "bye"), text);
        if (phase == "Succeeded") Assert.Contains("stderr F also", text);
        Assert.Null(h.Agent.Streams.LogPath(h.Namespace, "once", "c", previous: true));

        await h.Client.DeleteAsync(BuiltinResources.Pod, h.Namespace, "once");
        await Eventually.TrueAsync(async () => await h.GetPodAsync("once") is null, "pod deleted");
        await Eventually.TrueAsync(() => Task.FromResult(!File.Exists(log)), "logs removed with the pod");
    }

    [Fact]
    public async Task EphemeralContainer_AddedToARunningPod_StartsOnceReportsStatusAndCanBeAttachedAndExeced()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("target", """[{"name":"app","image":"busybox","command":["sleep","60"]}]""");
        await h.WaitPodAsync("target", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");

        var patch = JsonNode.Parse("""
            {"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox","stdin":true,"stdinOnce":true,"targetContainerName":"app",
              "command":["sh","-c","echo debugging; read line; echo got $line; exit 4"]}]}}
            """)!;
        await h.Client.PatchAsync(BuiltinResources.Pod, h.Namespace, "target", PatchType.StrategicMerge, patch, subresource: "ephemeralcontainers");
        var pod = await h.WaitPodAsync("target", p => p["status"]?["ephemeralContainerStatuses"]?[0]?["state"]?["running"] is not null, "debugger running");
        var status = pod["status"]!["ephemeralContainerStatuses"]![0]!;
        Assert.Equal("debugger", status["name"]!.GetValue<string>());
        Assert.False(status["ready"]!.GetValue<bool>());
        Assert.Equal("True", AgentHarness.ConditionStatus(pod, "Ready")); // the Pod's readiness is its containers'
        Assert.True(h.Agent!.Streams.IsRunning(h.Namespace, "target", "debugger"));

        await using (var exec = await h.Agent.Streams.ExecAsync(h.Namespace, "target", "debugger", ["echo", "exec ok"], false, CancellationToken.None))
            Assert.Equal("exec ok\n", await new StreamReader(exec.Stdout).ReadToEndAsync());

        await using var session = await h.Agent.Streams.AttachAsync(h.Namespace, "target", "debugger", false, CancellationToken.None);
        await session.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("ping\n"));
        Assert.Equal("debugging\ngot ping\n", await new StreamReader(session.Stdout).ReadToEndAsync());
        Assert.Equal(4, await session.Exited);

        pod = await h.WaitPodAsync("target", p => p["status"]?["ephemeralContainerStatuses"]?[0]?["state"]?["terminated"] is not null, "debugger terminated");
        Assert.Equal(4, pod["status"]!["ephemeralContainerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]!.GetValue<int>());
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few syncs: an ephemeral container is never restarted
        pod = (await h.GetPodAsync("target"))!;
        Assert.Equal(0, pod["status"]!["ephemeralContainerStatuses"]![0]!["restartCount"]!.GetValue<int>());
        Assert.NotNull(pod["status"]!["ephemeralContainerStatuses"]![0]!["state"]!["terminated"]);
        Assert.Equal("Running", pod["status"]!["phase"]!.GetValue<string>());
        Assert.Contains("stdout F got ping", File.ReadAllText(h.Agent.Streams.LogPath(h.Namespace, "target", "debugger", false)!));
    }
}
