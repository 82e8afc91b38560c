namespace Podway.E2E;

/// <summary>Cluster DNS from inside Pods, through the kube-dns Service at 10.96.0.10, as the seeds debug it.</summary>
[Collection("cluster")]
public sealed class DnsTests(ClusterFixture cluster)
{
    async Task<(string Ns, string Client)> SetUpAsync()
    {
        var ns = "dns-" + Guid.NewGuid().ToString("N")[..5];
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", ns)).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"))).ExitCode);
        const string headless = """
            apiVersion: v1
            kind: Service
            metadata: {name: web-headless}
            spec:
              clusterIP: None
              selector: {app: web}
              ports: [{name: http, port: 80}]
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(headless, "apply", "-n", ns, "-f", "-")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("run", "client", "-n", ns, "--image=nicolaka/netshoot", "--", "sleep", "3600")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/client", "--timeout=90s")).ExitCode);
        var dns = await cluster.KubectlAsync("rollout", "status", "-n", "kube-system", "deployment/podway-dns", "--timeout=120s");
        Assert.True(dns.ExitCode == 0, dns.ToString());
        return (ns, "client");
    }

    Task<ProcessResult> ExecAsync(string ns, string pod, params string[] command) =>
        cluster.KubectlAsync(["exec", "-n", ns, pod, "--", .. command]);

    [Fact]
    public async Task DnsPods_RunReadyBehindKubeDns()
    {
        var pods = await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns"),
            r => r.Stdout.Split('\n').Count(l => l.Contains(" 1/1 ") && l.Contains("Running")) == 2, "two Ready DNS Pods");
        Assert.Contains("podway-dns-", pods.Stdout);
        var svc = await cluster.KubectlAsync("get", "svc", "kube-dns", "-n", "kube-system", "-o", "jsonpath={.spec.clusterIP}");
        Assert.Equal("10.96.0.10", svc.Stdout.Trim());
        var endpoints = await cluster.KubectlAsync("get", "endpoints", "kube-dns", "-n", "kube-system");
        Assert.Matches(@"10\.\d+\.\d+\.\d+:53", endpoints.Stdout);
    }

    [Fact]
    public async Task Names_ResolveThroughTheSearchPath_AndPlainCurlWorks()
    {
        var (ns, client) = await SetUpAsync();
        var clusterIp = (await cluster.KubectlAsync("get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Stdout.Trim();

        var shortName = await Eventually.ValueAsync(() => ExecAsync(ns, client, "nslookup", "web"), r => r.Stdout.Contains(clusterIp), "nslookup web");
        Assert.Contains($"web.{ns}.svc.cluster.local", shortName.Stdout);
        Assert.Contains(clusterIp, (await ExecAsync(ns, client, "nslookup", $"web.{ns}.svc.cluster.local")).Stdout);
        Assert.Equal(clusterIp, (await ExecAsync(ns, client, "dig", "+short", $"web.{ns}.svc.cluster.local")).Stdout.Trim());
        Assert.StartsWith(clusterIp, (await ExecAsync(ns, client, "getent", "hosts", "web")).Stdout.Trim());
        Assert.Contains("Welcome to nginx!", (await ExecAsync(ns, client, "curl", "-s", "--max-time", "5", "http://web")).Stdout);

        var version = await ExecAsync(ns, client, "dig", "+short", "TXT", "dns-version.cluster.local");
        Assert.Equal("\"1.1.0\"", version.Stdout.Trim());
        var missing = await ExecAsync(ns, client, "dig", $"nope.{ns}.svc.cluster.local");
        Assert.Contains("status: NXDOMAIN", missing.Stdout);
        Assert.Contains("SOA", missing.Stdout);
    }

    [Fact]
    public async Task OutsideNames_ForwardedThroughTheNodeResolver_ClusterNamesStayInside()
    {
        var (ns, client) = await SetUpAsync();
        var clusterIp = (await cluster.KubectlAsync("get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Stdout.Trim();
        var answer = LoopbackResolver.Answer.ToString();

        // Pod -> kube-dns (podway-dns) -> node resolver on the bridge -> the host's resolver (on loopback here).
        var dig = await Eventually.ValueAsync(() => ExecAsync(ns, client, "dig", "+short", LoopbackResolver.Name),
            r => r.Stdout.Trim() == answer, "dig example.test through kube-dns");
        Assert.Equal(answer, dig.Stdout.Trim());
        Assert.Contains(answer, (await ExecAsync(ns, client, "nslookup", LoopbackResolver.Name)).Stdout);
        Assert.Equal(answer, (await ExecAsync(ns, client, "dig", "+tcp", "+short", LoopbackResolver.Name)).Stdout.Trim());
        Assert.Contains("status: NXDOMAIN", (await ExecAsync(ns, client, "dig", "nothing-here.test")).Stdout);
        // A silent host resolver: SERVFAIL at the relay's timeout, passed on by kube-dns before the client gives up.
        Assert.Contains("status: SERVFAIL", (await ExecAsync(ns, client, "dig", "+tries=1", LoopbackResolver.SilentName)).Stdout);
        // Cluster names still resolve, and none of them was ever sent to the host's resolver.
        Assert.Equal(clusterIp, (await ExecAsync(ns, client, "dig", "+short", $"web.{ns}.svc.cluster.local")).Stdout.Trim());
        Assert.StartsWith(clusterIp, (await ExecAsync(ns, client, "getent", "hosts", "web")).Stdout.Trim());
        Assert.DoesNotContain(cluster.Resolver.Asked, n => n.EndsWith("cluster.local", StringComparison.Ordinal));
        Assert.Contains(LoopbackResolver.Name, cluster.Resolver.Asked);
    }

    [Fact]
    public async Task DefaultPolicyPod_AsksTheNodeResolver()
    {
        var ns = await cluster.NewNamespaceAsync("dnsdef");
        const string pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: host-dns}
            spec:
              dnsPolicy: Default
              containers: [{name: c, image: nicolaka/netshoot, command: [sleep, "3600"]}]
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(pod, "apply", "-n", ns, "-f", "-")).ExitCode);
        var ready = await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/host-dns", "--timeout=90s");
        Assert.True(ready.ExitCode == 0, ready.ToString());
        var bridge = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster.DataDir, "cluster.json")))
            .RootElement.GetProperty("advertiseAddress").GetString();

        // The --resolv-conf file, its nameservers (loopback: unreachable from a Pod) replaced by the node resolver.
        var resolv = (await ExecAsync(ns, "host-dns", "cat", "/etc/resolv.conf")).Stdout;
        Assert.Equal($"search podway-e2e.test\nnameserver {bridge}\noptions edns0\n", resolv);
        var dig = await ExecAsync(ns, "host-dns", "dig", "+short", LoopbackResolver.Name);
        Assert.Equal(LoopbackResolver.Answer.ToString(), dig.Stdout.Trim());
        // The node resolver keeps cluster names to itself.
        Assert.Contains("status: REFUSED", (await ExecAsync(ns, "host-dns", "dig", "kubernetes.default.svc.cluster.local")).Stdout);
    }

    [Fact]
    public async Task HeadlessService_AnswersOneRecordPerReadyPod_AndSrv()
    {
        var (ns, client) = await SetUpAsync();
        var podIps = (await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}")).Stdout
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList();
        var answer = await Eventually.ValueAsync(() => ExecAsync(ns, client, "dig", "+short", $"web-headless.{ns}.svc.cluster.local"),
            r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == podIps.Count, "one A record per ready pod");
        Assert.Equal(podIps, answer.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList());
        var srv = await ExecAsync(ns, client, "dig", "+short", "SRV", $"_http._tcp.web-headless.{ns}.svc.cluster.local");
        Assert.Equal(podIps.Count, srv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(" 80 ", srv.Stdout);
    }
}
