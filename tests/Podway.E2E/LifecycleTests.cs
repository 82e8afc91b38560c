namespace Podway.E2E;

/// <summary>The cluster as a whole: credentials, restarts, and what `up` says when it is already running.</summary>
[Collection("cluster")]
public sealed class LifecycleTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Request_WithoutCredential_Gets401()
    {
        var result = await Processes.RunAsync("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", $"https://127.0.0.1:{cluster.ApiPort}/api/v1/namespaces"]);
        Assert.Equal("401", result.Stdout.Trim());
        var health = await Processes.RunAsync("curl", ["-sk", $"https://127.0.0.1:{cluster.ApiPort}/readyz"]);
        Assert.Equal("ok", health.Stdout.Trim());
    }

    [Fact]
    public async Task Version_ReportsKubernetes133()
    {
        var result = await cluster.KubectlAsync("version", "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"minor\": \"33\"", result.Stdout);
    }

    [Fact]
    public async Task Up_WhenRunning_SaysSoAndChangesNothing()
    {
        var again = await cluster.UpAsync();
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already running", again.Output);
    }

    [Fact]
    public async Task Objects_SurviveDownAndUp()
    {
        Assert.Equal(0, (await cluster.KubectlAsync("create", "configmap", "survivor", "--from-literal=answer=42")).ExitCode);
        var before = (await cluster.KubectlAsync("get", "svc", "kubernetes", "-o", "jsonpath={.metadata.uid}")).Stdout;
        Assert.Equal(0, (await cluster.KubectlAsync("run", "sleeper", "-n", "kube-public", "--image=busybox", "--", "sleep", "3600")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", "kube-public", "--for=condition=Ready", "pod/sleeper", "--timeout=90s")).ExitCode);
        var clusterPids = await ClusterPidsAsync();
        Assert.NotEmpty(clusterPids);

        var down = await cluster.DownAsync();
        Assert.True(down.ExitCode == 0, down.ToString());
        // Stopped by its SIGTERM, with its own teardown run, not killed after the grace period.
        Assert.Contains($"cluster {cluster.Name}: stopped (pid", down.Stdout);
        var log = await File.ReadAllTextAsync(Path.Combine(cluster.DataDir, "logs", "podway.log"));
        Assert.DoesNotContain("control plane failed", log[log.LastIndexOf("SIGTERM received", StringComparison.Ordinal)..]);
        var status = await cluster.PodwayAsync("status", "--name", cluster.Name);
        Assert.Equal(3, status.ExitCode);
        await AssertNothingLeftAsync();
        Assert.All(clusterPids, pid => Assert.False(IsRunning(pid), $"process {pid} of the cluster outlived down: {Describe(pid)}"));

        var up = await cluster.UpAsync();
        Assert.True(up.ExitCode == 0, up.ToString());
        var answer = await cluster.KubectlAsync("get", "configmap", "survivor", "-o", "jsonpath={.data.answer}");
        Assert.Equal("42", answer.Stdout.Trim());
        Assert.Equal(before, (await cluster.KubectlAsync("get", "svc", "kubernetes", "-o", "jsonpath={.metadata.uid}")).Stdout);
    }

    /// <summary>Alive and not a zombie (a killed process whose parent is gone waits for init to reap it).</summary>
    static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
    }

    /// <summary>What a process is: its command line, state and parent, for a failure message.</summary>
    static string Describe(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return $"{File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()} [stat: {stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0]}, parent {stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]}, net {new FileInfo($"/proc/{pid}/ns/net").LinkTarget}]";
        }
        catch (IOException e) { return e.Message; }
    }

    /// <summary>Every process inside the cluster's network namespaces (agents, sandboxes, containers).</summary>
    async Task<List<int>> ClusterPidsAsync()
    {
        var pids = new List<int>();
        var netns = await Processes.RunAsync("ip", ["netns", "list"]);
        foreach (var ns in netns.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Where(n => n.StartsWith($"podway-{cluster.Name}-")))
            pids.AddRange((await Processes.RunAsync("ip", ["netns", "pids", ns])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
        return pids;
    }

    /// <summary>After `down`: no namespace, link, mount or process of this cluster remains.</summary>
    async Task AssertNothingLeftAsync()
    {
        var netns = await Processes.RunAsync("ip", ["netns", "list"]);
        Assert.DoesNotContain($"podway-{cluster.Name}", netns.Stdout);
        var links = await Processes.RunAsync("ip", ["-o", "link"]);
        Assert.DoesNotContain($"pw{cluster.Name}", links.Stdout);
        var mounts = await File.ReadAllTextAsync("/proc/mounts");
        Assert.DoesNotContain($"podway-{cluster.Name}", mounts);
        var processes = await Processes.RunAsync("pgrep", ["-af", cluster.DataDir]);
        Assert.True(processes.Stdout.Trim().Length == 0, "processes left: " + processes.Stdout);
    }

    [Fact]
    public async Task KubernetesService_HasFirstServiceIpAndAnEndpointSlice()
    {
        var ip = await cluster.KubectlAsync("get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP}");
        Assert.Equal("10.96.0.1", ip.Stdout.Trim());
        var slices = await cluster.KubectlAsync("get", "endpointslices", "-l", "kubernetes.io/service-name=kubernetes");
        Assert.True(slices.ExitCode == 0, slices.ToString());
        Assert.Contains("kubernetes", slices.Stdout);
        var namespaces = await cluster.KubectlAsync("get", "namespaces");
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            Assert.Matches($@"{ns}\s+Active", namespaces.Stdout);
    }
}
