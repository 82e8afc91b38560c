namespace Podway.ApiServer.Tests.Proxy;

/// <summary>kubectl exec through the API server to the kubelet, over WebSocket (1.29+) and SPDY (1.27, or forced).</summary>
public sealed class KubectlExecTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>
{
    static readonly Dictionary<string, string> ForceSpdy = new() { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = "false" };

    public static TheoryData<string, bool> Transports => new()
    {
        { "1.33", false }, // WebSocket v5
        { "1.33", true },  // SPDY forced
        { "1.27", false }, // SPDY: 1.27 has no WebSocket exec
    };

    [Theory, MemberData(nameof(Transports))]
    public async Task Exec_Echo_PrintsStdoutAndStderr(string version, bool spdy)
    {
        var pod = $"exec-echo-{version.Replace(".", "")}-{spdy}".ToLowerInvariant();
        await cluster.RunPodAsync(pod, "main");
        var result = await cluster.KubectlAsync(version, ["exec", pod, "--", "sh", "-c", "echo hi; echo oops >&2"], env: spdy ? ForceSpdy : null);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hi\n", result.Stdout);
        Assert.Equal("oops\n", result.Stderr);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task Exec_NonZeroExit_KubectlExitsWithTheCode(string version, bool spdy)
    {
        var pod = $"exec-exit-{version.Replace(".", "")}-{spdy}".ToLowerInvariant();
        await cluster.RunPodAsync(pod, "main");
        var result = await cluster.KubectlAsync(version, ["exec", pod, "--", "sh", "-c", "exit 3"], env: spdy ? ForceSpdy : null);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("command terminated with exit code 3", result.Stderr);
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task ExecStdin_PipedInput_ReachesTheCommand(string version, bool spdy)
    {
        var pod = $"exec-stdin-{version.Replace(".", "")}-{spdy}".ToLowerInvariant();
        await cluster.RunPodAsync(pod, "main");
        var result = await cluster.KubectlAsync(version, ["exec", "-i", pod, "--", "sh", "-c", "tr a-z A-Z"], stdin: "hello\nworld\n", env: spdy ? ForceSpdy : null);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("HELLO\nWORLD\n", result.Stdout);
    }
}
