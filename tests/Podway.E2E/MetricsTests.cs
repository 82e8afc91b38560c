namespace Podway.E2E;

/// <summary>`kubectl top` against the metrics API the API server serves from the kubelets' cgroup readings.</summary>
[Collection("cluster")]
public sealed class MetricsTests(ClusterFixture cluster)
{
    /// <summary>`kubectl top pod` rows as name -> (millicores, MiB); kubectl prints "NAME CPU(cores) MEMORY(bytes)".</summary>
    static Dictionary<string, (int MilliCores, int MiB)> Rows(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3)
            .ToDictionary(f => f[0], f => (int.Parse(f[1].TrimEnd('m')), int.Parse(f[2].TrimEnd('M', 'i'))));

    [Fact]
    public async Task TopPod_ABusyPodUsesMoreCpuThanAnIdleOne_AndTopNodeListsTheNode()
    {
        var ns = await cluster.NewNamespaceAsync("top");
        Assert.Equal(0, (await cluster.KubectlAsync("run", "burn", "-n", ns, "--image=busybox", "--", "sh", "-c", "while :; do :; done")).ExitCode);
        // 16 MiB held in a tmpfs-free way: a shell variable that stays allocated.
        Assert.Equal(0, (await cluster.KubectlAsync("run", "idle", "-n", ns, "--image=busybox", "--", "sh", "-c",
            "x=$(head -c 16777216 /dev/zero | tr '\\0' a); sleep 3600")).ExitCode);

        // Usage needs two scrapes of the kubelet (15 s apart), as with metrics-server.
        var rows = await Eventually.ValueAsync(async () =>
        {
            var top = await cluster.KubectlAsync("top", "pod", "-n", ns);
            return top.ExitCode == 0 ? Rows(top.Stdout) : [];
        }, r => r.ContainsKey("burn") && r.ContainsKey("idle") && r["burn"].MilliCores > r["idle"].MilliCores + 50 && r["idle"].MiB >= 16,
            "kubectl top pod to show burn busy and idle holding 16 MiB", seconds: 120);
        Assert.True(rows["idle"].MilliCores < rows["burn"].MilliCores);

        var containers = await cluster.KubectlAsync("top", "pod", "burn", "-n", ns, "--containers");
        Assert.True(containers.ExitCode == 0, containers.ToString());
        Assert.Matches(@"burn\s+burn\s+\d+m\s+\d+Mi", containers.Stdout);

        var node = await cluster.KubectlAsync("top", "node");
        Assert.True(node.ExitCode == 0, node.ToString());
        Assert.Matches(@$"{cluster.Name}-control-plane\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%", node.Stdout);
    }

    [Fact]
    public async Task TopPod_UnknownPod_IsNotFound_AndMetricsAreReadOnly()
    {
        var ns = await cluster.NewNamespaceAsync("topnf");
        var missing = await cluster.KubectlAsync("top", "pod", "nosuch", "-n", ns);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("pods \"nosuch\" not found", missing.Stderr);

        var post = await cluster.KubectlStdinAsync("{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetrics\",\"metadata\":{\"name\":\"x\"}}",
            "create", "--raw", $"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods", "-f", "-");
        Assert.NotEqual(0, post.ExitCode);
        Assert.Contains("MethodNotAllowed", post.Stderr + post.Stdout);
    }
}
