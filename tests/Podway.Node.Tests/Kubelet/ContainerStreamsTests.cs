using System.Text;

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
}
