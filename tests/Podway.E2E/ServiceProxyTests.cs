namespace Podway.E2E;

/// <summary>The node's service proxy (nftables) on a real podway cluster: ClusterIP from a Pod, NodePort from the host, REJECT.</summary>
[Collection("cluster")]
public sealed class ServiceProxyTests(ClusterFixture cluster)
{
    async Task<string> ClientPodAsync(string ns)
    {
        var run = await cluster.KubectlAsync("run", "client", "-n", ns, "--image=curlimages/curl", "--command", "--", "sleep", "3600");
        Assert.True(run.ExitCode == 0, run.ToString());
        await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "pod", "client", "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout.Trim() == "Running", "client pod Running");
        return "client";
    }

    async Task WebReadyAsync(string ns)
    {
        var apply = await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web", "-o", "jsonpath={.items[*].endpoints[*].addresses[0]}"),
            r => r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 2, "two web endpoints");
    }

    async Task<string> ClusterIpAsync(string ns, string svc) =>
        (await cluster.KubectlAsync("get", "svc", svc, "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Stdout.Trim();

    [Fact]
    public async Task ClusterIp_FromPod_ReachesNginx()
    {
        var ns = await cluster.NewNamespaceAsync("proxy");
        await WebReadyAsync(ns);
        var client = await ClientPodAsync(ns);
        var ip = await ClusterIpAsync(ns, "web");
        var curl = await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{ip}/"),
            r => r.ExitCode == 0, "curl through the ClusterIP", seconds: 30);
        Assert.Contains("nginx", curl.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The seeds' Service examples as written (002-services.yaml, in default, where the seed-manifest test puts them
    /// too), backed by an agnhost porter answering on 80 and 8080 with the label they select: NodePort 30007 on the
    /// node's IP and the LoadBalancer's EXTERNAL-IP both reach it from the host.
    /// </summary>
    [Fact]
    public async Task SeedNodePortAndLoadBalancer_FromHost_ReachTheirPods()
    {
        const string backend = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: myapp}
            spec:
              replicas: 2
              selector: {matchLabels: {app: myapp}}
              template:
                metadata: {labels: {app: myapp}}
                spec:
                  containers:
                    - name: porter
                      image: registry.k8s.io/e2e-test-images/agnhost:2.53
                      args: [porter]
                      env:
                        - {name: SERVE_PORT_80, value: answered-on-80}
                        - {name: SERVE_PORT_8080, value: answered-on-8080}
                      readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(backend, "apply", "-n", "default", "-f", "-")).ExitCode);
        var services = await cluster.KubectlAsync("apply", "-n", "default", "-f", Path.Combine(Paths.Manifests, "002-services.yaml"));
        Assert.True(services.ExitCode == 0, services.ToString());
        Assert.Equal(0, (await cluster.KubectlAsync("rollout", "status", "-n", "default", "deployment/myapp", "--timeout=120s")).ExitCode);

        var nodeIp = (await cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim();
        var nodePort = await Eventually.ValueAsync(() => Processes.RunAsync("curl", ["-s", "-m", "5", $"http://{nodeIp}:30007/"]),
            r => r.ExitCode == 0, "curl the NodePort 30007 from the host", seconds: 60);
        Assert.Equal("answered-on-80", nodePort.Stdout.Trim());

        var lbIp = await Eventually.ValueAsync(async () => (await cluster.KubectlAsync("get", "svc", "my-loadbalancer", "-n", "default",
            "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")).Stdout.Trim(), ip => ip.Length > 0, "an EXTERNAL-IP");
        var viaLb = await Eventually.ValueAsync(() => Processes.RunAsync("curl", ["-s", "-m", "5", $"http://{lbIp}/"]),
            r => r.ExitCode == 0, "curl the LoadBalancer IP from the host", seconds: 60);
        Assert.Equal("answered-on-8080", viaLb.Stdout.Trim());
    }

    [Fact]
    public async Task ServiceWithoutEndpoints_FromPod_RefusedAtOnce()
    {
        var ns = await cluster.NewNamespaceAsync("proxy-rej");
        var client = await ClientPodAsync(ns);
        Assert.Equal(0, (await cluster.KubectlAsync("create", "service", "clusterip", "nothing", "-n", ns, "--tcp=80:80")).ExitCode);
        var ip = await ClusterIpAsync(ns, "nothing");
        // curl exits 7 (couldn't connect) on a refusal and 28 when its 5 s run out: 7 proves a REJECT, not a hang.
        await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{ip}/"),
            r => r.ExitCode == 7, "connection refused", seconds: 30);
    }

    /// <summary>
    /// 50 back-to-back connects from one Pod to a Service without endpoints are all refused (curl exit 7), none
    /// times out: the refusal is a TCP reset, which the kernel does not rate-limit as it does ICMP errors.
    /// </summary>
    [Fact]
    public async Task ServiceWithoutEndpoints_50AttemptsFromOnePod_AllRefused()
    {
        var ns = await cluster.NewNamespaceAsync("proxy-rej50");
        var client = await ClientPodAsync(ns);
        Assert.Equal(0, (await cluster.KubectlAsync("create", "service", "clusterip", "nothing", "-n", ns, "--tcp=80:80")).ExitCode);
        var ip = await ClusterIpAsync(ns, "nothing");
        await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{ip}/"),
            r => r.ExitCode == 7, "connection refused", seconds: 30);
        var loop = $"i=0; while [ $i -lt 50 ]; do curl -s -m 2 http://{ip}/ >/dev/null; echo $?; i=$((i+1)); done";
        var burst = await cluster.KubectlAsync("exec", client, "-n", ns, "--", "sh", "-c", loop);
        var exits = burst.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exits.Length == 50 && exits.All(e => e == "7"), $"curl exit codes: {string.Join(' ', exits)}");
    }

    /// <summary>
    /// The proxy's metrics listen on 127.0.0.1:10249 of the node's netns, as kube-proxy's default metricsBindAddress:
    /// a Pod connecting to the node's address on 10249 is refused, while the node itself reads them. Its health
    /// server is on every address, port 10256, as kube-proxy's healthzBindAddress, for load balancers to check.
    /// </summary>
    [Fact]
    public async Task ProxyMetrics_FromPodRefused_FromNodeLoopbackServed()
    {
        var ns = await cluster.NewNamespaceAsync("proxy-metrics");
        var client = await ClientPodAsync(ns);
        var nodeIp = (await cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim();
        var fromPod = await cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{nodeIp}:10249/metrics");
        Assert.True(fromPod.ExitCode == 7, $"a Pod reached the proxy's metrics: {fromPod}");
        var fromNode = await Processes.RunAsync("ip", ["netns", "exec", $"podway-{cluster.Name}-n0", "curl", "-s", "-m", "5", "http://127.0.0.1:10249/metrics"]);
        Assert.True(fromNode.ExitCode == 0, fromNode.ToString());
        Assert.Contains("kubeproxy_sync_proxy_rules_duration_seconds", fromNode.Stdout);
        var healthz = await cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", "-w", " %{http_code}", $"http://{nodeIp}:10256/healthz");
        Assert.True(healthz.ExitCode == 0 && healthz.Stdout.TrimEnd().EndsWith(" 200", StringComparison.Ordinal), healthz.ToString());
        Assert.Contains("\"nodeEligible\": true", healthz.Stdout);
    }

    /// <summary>
    /// The kubelet port (10250 on the node IP) speaks only TLS, with a certificate from the cluster CA for the node IP,
    /// and lets in only the API server's client certificate: a Pod gets nothing over plain HTTP and kube's 401
    /// without a certificate, while `kubectl logs` (proxied by the API server over that TLS) works.
    /// </summary>
    [Fact]
    public async Task KubeletPort_FromPod_TlsOnlyAndUnauthorized_KubectlLogsStillServed()
    {
        var ns = await cluster.NewNamespaceAsync("kubelet-tls");
        var client = await ClientPodAsync(ns);
        var nodeIp = (await cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim();
        var url = $"{nodeIp}:10250/containerLogs/{ns}/client/client";

        var plain = await cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{url}");
        Assert.True(plain.ExitCode != 0 && !plain.Stdout.Contains("sleep"), $"plain HTTP answered: {plain}");
        var anonymous = await cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-sk", "-m", "5", "-w", " %{http_code}", $"https://{url}");
        Assert.True(anonymous.ExitCode == 0 && anonymous.Stdout.Trim() == "Unauthorized\n 401", anonymous.ToString());

        var ca = Path.Combine(cluster.DataDir, "pki", "ca.crt");
        var verified = await Processes.RunAsync("ip", ["netns", "exec", $"podway-{cluster.Name}-n0", "curl", "-s", "-m", "5", "--cacert", ca, "-o", "/dev/null", "-w", "%{http_code}", $"https://{url}"]);
        Assert.True(verified.ExitCode == 0 && verified.Stdout.Trim() == "401", $"the kubelet's certificate does not verify for {nodeIp}: {verified}");

        Assert.Equal(0, (await cluster.KubectlAsync("logs", client, "-n", ns)).ExitCode);
    }
}
