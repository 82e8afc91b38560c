namespace Podway.ApiServer.Tests.Proxy;

/// <summary>Interactive kubectl: exec -it under a real terminal (`script`), and attach to a running container.</summary>
public sealed class KubectlTerminalTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>
{
    [Theory]
    [InlineData("1.33")]
    [InlineData("1.27")]
    public async Task ExecInteractiveTty_TypedLine_ReachesTheShell(string version)
    {
        var pod = $"exec-it-{version.Replace(".", "")}";
        await cluster.RunPodAsync(pod, "main");
        var result = await cluster.KubectlInTerminalAsync(version, $"exec -it {pod} -- sh -c 'read x; echo got:$x; exit 4'", "hello\r");
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("got:hello", result.Stdout);
    }

    [Theory]
    [InlineData("1.33")]
    [InlineData("1.27")]
    public async Task AttachStdin_RunningContainer_SeesInputAndOutput(string version)
    {
        var pod = $"attach-{version.Replace(".", "")}";
        var container = (await cluster.RunPodAsync(pod, "main"))[0];
        container.Main = HostContainerStreams.StartMain("/bin/sh", "-c", "while read l; do echo \"got:$l\"; done; echo bye");
        var result = await cluster.KubectlAsync(version, ["attach", "-i", pod], stdin: "hello\nworld\n");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("got:hello\ngot:world\nbye\n", result.Stdout);
    }

    [Fact]
    public async Task Exec_ContainerNotRunning_KubeletContainerNotFound()
    {
        var container = (await cluster.RunPodAsync("exec-stopped", "main"))[0];
        container.Running = false;
        var result = await cluster.KubectlAsync("1.33", ["exec", "exec-stopped", "--", "true"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("container not found (\"main\")", result.Stderr);
    }

    [Fact]
    public async Task Exec_UnknownContainer_KubeBadRequest()
    {
        await cluster.RunPodAsync("exec-badname", "main");
        var result = await cluster.KubectlAsync("1.33", ["exec", "exec-badname", "-c", "nope", "--", "true"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("container nope is not valid for pod exec-badname", result.Stderr);
    }
}
