namespace Podway.E2E;

/// <summary>
/// Debian's python3-kubernetes client (Clients/python_client.py) against podway: watch, followed logs, exec with
/// stdin and port-forward, the calls issue 14 found broken (query booleans spelled True, the WebSocket port-forward,
/// exec's close sequence).
/// </summary>
[Collection("cluster")]
public sealed class PythonClientTests(ClusterFixture cluster)
{
    static string Script => Path.Combine(Paths.RepoRoot, "tests", "Podway.E2E", "Clients", "python_client.py");

    Task<ProcessResult> PythonAsync(params string[] args)
    {
        var env = cluster.Env;
        env["KUBECONFIG"] = cluster.Kubeconfig;
        return Processes.RunAsync("/usr/bin/python3", [Script, .. args], env, timeout: TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Watch_FollowLogs_ExecWithStdin_PortForward()
    {
        var ns = await cluster.NewNamespaceAsync("python");
        var watching = PythonAsync("watch", ns);
        await Task.Delay(3000); // the client's import and first list
        await cluster.RunReadyPodAsync(ns, "ticker", "--image=busybox", "--", "sh", "-c", "i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done");
        var watched = await watching;
        Assert.True(watched.ExitCode == 0, watched.ToString());
        Assert.Contains("ticker", watched.Stdout.Split('\n').Select(l => l.Trim()));

        var logs = await PythonAsync("logs", ns, "ticker");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        var lines = logs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 5, logs.ToString());
        Assert.All(lines, l => Assert.StartsWith("tick ", l));

        var exec = await PythonAsync("exec", ns, "ticker");
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal(["HELLO FROM PYTHON", "exit=0"], exec.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));

        await cluster.RunReadyPodAsync(ns, "web", "--image=nginx");
        var forward = await PythonAsync("forward", ns, "web");
        Assert.True(forward.ExitCode == 0, forward.ToString());
        Assert.Equal("HTTP/1.1 200 OK", forward.Stdout.Trim());
    }
}
