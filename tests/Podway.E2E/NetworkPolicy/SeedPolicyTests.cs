namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// The seed manifests as their guides use them (001-netpol-shop, 002-netpol, 004-netpol-allow-api-from-web),
/// applied verbatim, with real connections from Pods, to Pod IPs and through ClusterIPs.
/// </summary>
[Collection("netpol")]
public sealed class SeedPolicyTests(NetpolCluster netpol)
{
    ClusterFixture Cluster => netpol.Cluster;

    /// <summary>agnhost porters serving TCP 5432 and 8080, one per (name, labels), and a ClusterIP Service per Pod.</summary>
    async Task<Dictionary<string, (string PodIp, string ServiceIp)>> PodsAsync(string ns, params (string Name, string Labels)[] pods)
    {
        foreach (var (name, labels) in pods)
        {
            var yaml = $$$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: {{{name}}}, labels: {{{labels}}}}
                spec:
                  containers:
                    - name: porter
                      image: registry.k8s.io/e2e-test-images/agnhost:2.53
                      args: [porter]
                      env: [{name: SERVE_TCP_PORT_5432, value: {{{name}}}}, {name: SERVE_TCP_PORT_8080, value: {{{name}}}}]
                      readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: {{{name}}}}
                spec:
                  selector: {{{labels}}}
                  ports: [{name: db, port: 5432}, {name: http, port: 80, targetPort: 8080}]
                """;
            var apply = await Cluster.KubectlStdinAsync(yaml, "apply", "-n", ns, "-f", "-");
            Assert.True(apply.ExitCode == 0, apply.ToString());
        }
        var result = new Dictionary<string, (string, string)>();
        foreach (var (name, _) in pods)
        {
            var ip = await Eventually.ValueAsync(() => Cluster.KubectlAsync("get", "pod", name, "-n", ns, "-o", "jsonpath={.status.podIP}={.status.containerStatuses[0].ready}"),
                r => r.Stdout.Trim().EndsWith("=true"), $"{ns}/{name} ready", 180);
            var svc = await Cluster.KubectlAsync("get", "svc", name, "-n", ns, "-o", "jsonpath={.spec.clusterIP}");
            result[name] = (ip.Stdout.Split('=')[0], svc.Stdout.Trim());
        }
        return result;
    }

    async Task ExpectAsync(string ns, string from, string host, int port, bool reachable)
    {
        await Eventually.ValueAsync(() => Cluster.KubectlAsync("exec", "-n", ns, from, "--", "/agnhost", "connect", $"{host}:{port}", "--timeout=1s"),
            r => (r.ExitCode == 0) == reachable && (reachable || r.Stderr.Contains("TIMEOUT")),
            $"{ns}/{from} -> {host}:{port} {(reachable ? "connects" : "times out")}", 60);
    }

    async Task ApplySeedAsync(string ns, string file)
    {
        var apply = await Cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, file));
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    [Fact]
    public async Task ShopDefaultDenyAndDbAllowApi_OnlyApiReachesDb_AlsoThroughClusterIp()
    {
        const string ns = "shop"; // the manifest names it
        await Cluster.KubectlAsync("create", "namespace", ns);
        try
        {
            var pods = await PodsAsync(ns, ("db", "{app: db}"), ("api", "{app: api}"), ("web", "{app: web}"));
            await ExpectAsync(ns, "web", pods["db"].PodIp, 5432, true); // open before any policy

            await ApplySeedAsync(ns, "001-netpol-shop.yaml");
            await ExpectAsync(ns, "web", pods["db"].PodIp, 5432, false);
            await ExpectAsync(ns, "web", pods["db"].ServiceIp, 5432, false);
            await ExpectAsync(ns, "api", pods["db"].PodIp, 5432, true);
            await ExpectAsync(ns, "api", pods["db"].ServiceIp, 5432, true);
            await ExpectAsync(ns, "api", pods["db"].PodIp, 8080, false); // only 5432
            await ExpectAsync(ns, "db", pods["web"].ServiceIp, 80, false); // default deny covers web too
            // Another namespace's Pod is not an api Pod of shop.
            await ExpectAsync(netpol.Ns("x"), "a", pods["db"].PodIp, 5432, false);
            // The node itself (kubelet probes) always passes: the Pods stay Ready.
            var ready = await Cluster.KubectlAsync("get", "pod", "db", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].ready}");
            Assert.Equal("true", ready.Stdout.Trim());
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    [Fact]
    public async Task AllowApiFromWeb_OnlyWebOnPort8080_AlsoThroughClusterIp()
    {
        var ns = netpol.Ns("guide004");
        await Cluster.KubectlAsync("create", "namespace", ns);
        try
        {
            var pods = await PodsAsync(ns, ("api", "{app: api}"), ("web", "{app: web}"), ("other", "{app: other}"));
            await ApplySeedAsync(ns, "004-netpol-allow-api-from-web.yaml");
            await ExpectAsync(ns, "web", pods["api"].PodIp, 8080, true);
            await ExpectAsync(ns, "web", pods["api"].ServiceIp, 80, true);
            await ExpectAsync(ns, "other", pods["api"].ServiceIp, 80, false);
            await ExpectAsync(ns, "web", pods["api"].PodIp, 5432, false);
            await ExpectAsync(ns, "other", pods["web"].PodIp, 8080, true); // web is selected by no policy
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    /// <summary>
    /// 002's default-deny covers Ingress AND Egress, so its allow-frontend rule alone does not let the frontend
    /// through: the frontend's egress is denied too (as in every Kubernetes). An egress allow completes the path.
    /// </summary>
    [Fact]
    public async Task DefaultDenyBothWaysAndAllowFrontend_NeedsFrontendEgressToo()
    {
        var ns = netpol.Ns("guide002");
        await Cluster.KubectlAsync("create", "namespace", ns);
        try
        {
            var pods = await PodsAsync(ns, ("frontend", "{role: frontend}"), ("backend", "{role: backend}"));
            await ApplySeedAsync(ns, "002-netpol.yaml");
            await ExpectAsync(ns, "frontend", pods["backend"].PodIp, 8080, false);
            await ExpectAsync(ns, "backend", pods["frontend"].PodIp, 8080, false);

            var egress = await Cluster.KubectlStdinAsync("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: frontend-to-backend}
                spec:
                  podSelector: {matchLabels: {role: frontend}}
                  policyTypes: [Egress]
                  egress: [{to: [{podSelector: {matchLabels: {role: backend}}}], ports: [{protocol: TCP, port: 8080}]}]
                """, "apply", "-n", ns, "-f", "-");
            Assert.True(egress.ExitCode == 0, egress.ToString());
            await ExpectAsync(ns, "frontend", pods["backend"].PodIp, 8080, true);
            await ExpectAsync(ns, "frontend", pods["backend"].PodIp, 5432, false);
            await ExpectAsync(ns, "backend", pods["frontend"].PodIp, 8080, false);
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }
}
