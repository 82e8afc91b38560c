namespace Podway.E2E;

/// <summary>
/// Lifecycle safety on a cluster of its own (these tests break it on purpose, so it is not the shared one): a
/// `down` whose name and data dir do not belong together touches nothing, and a node namespace deleted by hand
/// is rebuilt by the cluster itself. Runs alone, after the other collections, so breaking the node disturbs no one.
/// </summary>
[Collection("repair")]
public sealed class ClusterSafetyTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Down_WithAnotherDataDirOrAnotherName_RefusesAndClusterKeepsServing()
    {
        var ns = await cluster.NewNamespaceAsync("safe");
        var url = await ServeThroughNodePortAsync(ns);
        var before = await KernelObjectsAsync();
        var serverPid = await File.ReadAllTextAsync(Path.Combine(cluster.DataDir, "podway.pid"));
        var elsewhere = Directory.CreateTempSubdirectory("podway-e2e-elsewhere-").FullName;
        try
        {
            // The cluster's name with another data dir (the mistake in issue 16: a scratch --data-dir, with --purge).
            var wrongDir = await cluster.PodwayAsync("down", "--name", cluster.Name, "--data-dir", elsewhere, "--purge");
            Assert.True(wrongDir.ExitCode == 1, wrongDir.ToString());
            Assert.Contains("nothing was touched", wrongDir.Stderr);

            // Another name with the cluster's data dir.
            var wrongName = await cluster.PodwayAsync("down", "--name", "e2eother", "--data-dir", cluster.DataDir, "--purge");
            Assert.True(wrongName.ExitCode == 1, wrongName.ToString());
            Assert.Contains($"belongs to cluster \"{cluster.Name}\"", wrongName.Stderr);
        }
        finally { Directory.Delete(elsewhere, recursive: true); }

        Assert.Equal(before, await KernelObjectsAsync());
        Assert.Equal(serverPid, await File.ReadAllTextAsync(Path.Combine(cluster.DataDir, "podway.pid")));
        Assert.True(File.Exists(Path.Combine(cluster.DataDir, "cluster.json")));
        await Eventually.ValueAsync(() => cluster.PodwayAsync("status", "--name", cluster.Name), s => s.ExitCode == 0, "podway status says whole (exit 0)");
        var answer = await EdgeCluster.CurlAsync(url);
        Assert.True(answer.ExitCode == 0 && answer.Stdout.StartsWith("safe-web-"), answer.ToString());
    }

    [Fact]
    public async Task NodeNamespaceDeletedByHand_NodeReadyAgainAndDemoAnswersThroughIngress()
    {
        var ns = await cluster.NewNamespaceAsync("repair");
        var apply = await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var address = await cluster.AddressAsync(ns, "web");
        await DemoAnswersAsync(address);
        var netns = $"podway-{cluster.Name}-n0";

        var started = DateTime.UtcNow;
        var delete = await Processes.RunAsync("ip", ["netns", "delete", netns]);
        Assert.True(delete.ExitCode == 0, delete.ToString());

        // No command: the cluster notices, rebuilds the node namespace, restarts its agent, and the agent makes new
        // sandboxes for the Pods whose network went with the old namespace (their restart count goes up).
        await Eventually.ValueAsync(async () => (await Processes.RunAsync("ip", ["netns", "list"])).Stdout,
            list => list.Split('\n').Any(l => l.Split(' ')[0] == netns), $"namespace {netns} is rebuilt", seconds: 120);
        await Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", "pods", "-n", ns, "-o", "jsonpath={range .items[*]}{.status.containerStatuses[0].restartCount}{\" \"}{end}")).Stdout.Trim(),
            counts => counts.Length > 0 && counts.Split(' ').All(c => int.TryParse(c, out var n) && n > 0),
            "every web Pod restarted in a new sandbox", seconds: 120);
        await Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].status.conditions[?(@.type==\"Ready\")].status}")).Stdout.Trim(),
            s => s == "True", "the node is Ready again", seconds: 120);
        await DemoAnswersAsync(address);
        // Measured, not asserted (the issue asks for under a minute; the output of the test run shows it).
        Console.WriteLine($"node namespace deleted -> node Ready and demo answering through the Ingress: {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

        var status = await Eventually.ValueAsync(() => cluster.PodwayAsync("status", "--name", cluster.Name), s => s.ExitCode == 0, "podway status says whole (exit 0)");
        Assert.Contains($"{cluster.Name}-control-plane Ready, agent running", status.Stdout);
    }

    static Task DemoAnswersAsync(string address) =>
        EdgeCluster.CurlUntilAsync(r => r.Stdout.Contains("Welcome to nginx!"), "demo.local answers through the Ingress",
            "-H", "Host: demo.local", $"http://{address}/");

    /// <summary>agnhost serve-hostname behind a NodePort Service; returns the URL on the node IP (an address inside our cluster).</summary>
    async Task<string> ServeThroughNodePortAsync(string ns)
    {
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("safe-web", 1).Replace("ports: [{ name: http, port: 80, targetPort: http }]",
            "type: NodePort\n  ports: [{ name: http, port: 80, targetPort: http }]"));
        await cluster.RolledOutAsync(ns, "safe-web");
        var nodeIp = (await cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim();
        var nodePort = (await cluster.KubectlAsync("get", "svc", "safe-web", "-n", ns, "-o", "jsonpath={.spec.ports[0].nodePort}")).Stdout.Trim();
        var url = $"http://{nodeIp}:{nodePort}/";
        await EdgeCluster.CurlUntilAsync(r => r.Stdout.StartsWith("safe-web-"), "the Service answers on its NodePort", url);
        return url;
    }

    /// <summary>The cluster's namespaces, links and nft tables, by name.</summary>
    async Task<string> KernelObjectsAsync()
    {
        var netns = (await Processes.RunAsync("ip", ["netns", "list"])).Stdout.Split('\n').Select(l => l.Split(' ')[0]);
        var links = (await Processes.RunAsync("ip", ["-o", "link"])).Stdout.Split('\n').Where(l => l.Contains(':')).Select(l => l.Split(':')[1].Trim().Split('@')[0]);
        var tables = (await Processes.RunAsync("nft", ["list", "tables"])).Stdout.Split('\n');
        return string.Join("\n", netns.Concat(links).Concat(tables)
            .Where(n => n.Contains($"podway-{cluster.Name}") || n.Contains($"pw{cluster.Name}")).Order());
    }
}

[CollectionDefinition("repair", DisableParallelization = true)]
public sealed class RepairCollection : ICollectionFixture<ClusterFixture>;
