using System.Text;

namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// One cluster for the whole NetworkPolicy suite, set up as upstream's netpol e2e: namespaces x, y, z (named after
/// the cluster, labelled ns=x|y|z) with Pods a, b, c (labelled pod=a|b|c), each an agnhost porter serving TCP and
/// UDP on 80 and 81 behind named container ports serve-80-tcp, serve-81-tcp, serve-80-udp, serve-81-udp.
/// </summary>
public sealed class NetpolCluster : IAsyncLifetime
{
    public ClusterFixture Cluster { get; } = new();
    /// <summary>"x/a" -> the Pod's IP.</summary>
    public Dictionary<string, string> Ips { get; } = [];

    public string Ns(string shortName) => $"{Cluster.Name}-{shortName}";

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        var yaml = new StringBuilder();
        foreach (var ns in Reachability.Namespaces)
        {
            yaml.Append($"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {Ns(ns)}, labels: {{ns: \"{ns}\"}}}}\n---\n");
            foreach (var pod in Reachability.PodNames) yaml.Append(PodYaml(Ns(ns), pod)).Append("---\n");
        }
        var apply = await Cluster.KubectlStdinAsync(yaml.ToString(), "apply", "-f", "-");
        if (apply.ExitCode != 0) throw new InvalidOperationException(apply.ToString());
        foreach (var ns in Reachability.Namespaces)
        {
            var ready = await Eventually.ValueAsync(() => Cluster.KubectlAsync("get", "pods", "-n", Ns(ns), "-o",
                    "jsonpath={range .items[*]}{.metadata.name}={.status.podIP}={.status.containerStatuses[0].ready}{\"\\n\"}{end}"),
                r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith("=true")) == 3, $"pods of {ns} ready", 180);
            foreach (var line in ready.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('=');
                Ips[$"{ns}/{parts[0]}"] = parts[1];
            }
        }
    }

    static string PodYaml(string ns, string pod) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{pod}}}, namespace: {{{ns}}}, labels: {pod: {{{pod}}}}}
        spec:
          containers:
            - name: porter
              image: registry.k8s.io/e2e-test-images/agnhost:2.53
              args: [porter]
              env:
                - {name: SERVE_TCP_PORT_80, value: "{{{pod}}}"}
                - {name: SERVE_TCP_PORT_81, value: "{{{pod}}}"}
                - {name: SERVE_UDP_PORT_80, value: "{{{pod}}}"}
                - {name: SERVE_UDP_PORT_81, value: "{{{pod}}}"}
              ports:
                - {name: serve-80-tcp, containerPort: 80, protocol: TCP}
                - {name: serve-81-tcp, containerPort: 81, protocol: TCP}
                - {name: serve-80-udp, containerPort: 80, protocol: UDP}
                - {name: serve-81-udp, containerPort: 81, protocol: UDP}
              readinessProbe:
                tcpSocket: {port: 80}
                periodSeconds: 1

        """;

    /// <summary>The node's policy table, as `nft list table` prints it.</summary>
    public async Task<string> PolicyTableAsync() =>
        (await Processes.RunAsync("ip", ["netns", "exec", $"podway-{Cluster.Name}-n0", "nft", "list", "table", "ip", $"podway-{Cluster.Name}-policy"])).Stdout;

    /// <summary>Waits until the node's policy table dispatches to no policy any more (no NetworkPolicy chain, no
    /// (Baseline)AdminNetworkPolicy rule in the tier chains).</summary>
    public Task NoPolicyProgrammedAsync() =>
        Eventually.ValueAsync(PolicyTableAsync, t => t.Contains("chain ingress") && !t.Contains(" jump np") && !t.Contains("@anp") && !t.Contains("@banp"),
            "no policy left in the node's table", 120);

    public Task DisposeAsync() => Cluster.DisposeAsync();
}

[CollectionDefinition("netpol")]
public sealed class NetpolCollection : ICollectionFixture<NetpolCluster>;
