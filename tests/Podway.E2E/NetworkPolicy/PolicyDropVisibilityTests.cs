namespace Podway.E2E.NetworkPolicy;

/// <summary>Drops are visible: counted per policy on the node's metrics endpoint and logged in the agent's log.</summary>
[Collection("netpol")]
public sealed class PolicyDropVisibilityTests(NetpolCluster netpol)
{
    ClusterFixture Cluster => netpol.Cluster;

    [Fact]
    public async Task DeniedConnection_CountedOnMetricsAndLoggedWithSourceDestinationPortAndPolicy()
    {
        var ns = netpol.Ns("z");
        var apply = await Cluster.KubectlStdinAsync("{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-to-c}, spec: {podSelector: {matchLabels: {pod: c}}, policyTypes: [Ingress]}}",
            "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        try
        {
            var (from, to) = (netpol.Ips["y/b"], netpol.Ips["z/c"]);
            await Eventually.ValueAsync(() => Cluster.KubectlAsync("exec", "-n", netpol.Ns("y"), "b", "--", "/agnhost", "connect", $"{to}:81", "--timeout=1s"),
                r => r.ExitCode != 0 && r.Stderr.Contains("TIMEOUT"), "y/b -> z/c:81 dropped", 60);

            // The proxy's metrics listen on 127.0.0.1 of the node's network namespace (kube-proxy's default).
            var line = $"podway_networkpolicy_dropped_packets_total{{namespace=\"{ns}\",policy=\"deny-to-c\",direction=\"ingress\"}} ";
            var metrics = await Eventually.ValueAsync(() => Processes.RunAsync("ip", ["netns", "exec", $"podway-{Cluster.Name}-n0", "curl", "-s", "--max-time", "5", "http://127.0.0.1:10249/metrics"]),
                r => r.Stdout.Split('\n').Any(l => l.StartsWith(line) && long.TryParse(l[line.Length..], out var n) && n > 0), "the drop counted on /metrics", 30);
            Assert.Contains("podway_networkpolicy_syncs_total", metrics.Stdout);

            var log = Path.Combine(Cluster.DataDir, "logs", $"agent-{Cluster.Name}-control-plane.log");
            await Eventually.ValueAsync(async () => File.Exists(log) ? await File.ReadAllTextAsync(log) : "",
                text => text.Contains($"policy: dropped tcp {from} -> {to}:81 (ingress of {to}, denied by {ns}/deny-to-c"), "the drop in the agent's log", 30);
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "networkpolicy", "deny-to-c", "-n", ns);
        }
    }
}
