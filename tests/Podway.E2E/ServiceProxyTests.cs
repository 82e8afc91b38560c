using System.Diagnostics;

namespace Podway.E2E;

/// <summary>The node's service proxy (nftables) on a real podway cluster: ClusterIP from a Pod, NodePort from the host, REJECT.</summary>
[Collection("cluster")]
public sealed class ServiceProxyTests(ClusterFixture cluster)
{
    async Task<string> NewNamespaceAsync(string prefix)
    {
        var ns = prefix + "-" + Guid.NewGuid().ToString("N")[..5];
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", ns)).ExitCode);
        return ns;
    }

    async Task<string> ClientPodAsync(string ns)
    {
        var run = await cluster.KubectlAsync("run", "client", "-n", ns, "--image=curlimages/curl", "--command", "--", "sleep", "3600");
        Assert.True(run.ExitCode == 0, run.ToString());
        await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "pod", "client", "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", "client pod Running");
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
        var ns = await NewNamespaceAsync("proxy");
        await WebReadyAsync(ns);
        var client = await ClientPodAsync(ns);
        var ip = await ClusterIpAsync(ns, "web");
        var curl = await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{ip}/"),
            r => r.ExitCode == 0, "curl through the ClusterIP", seconds: 30);
        Assert.Contains("nginx", curl.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task NodePort30007_FromHost_ReachesNginx()
    {
        var ns = await NewNamespaceAsync("proxy-np");
        await WebReadyAsync(ns);
        var create = await cluster.KubectlAsync("create", "service", "nodeport", "web-np", "-n", ns, "--tcp=80:80", "--node-port=30007");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(0, (await cluster.KubectlAsync("patch", "svc", "web-np", "-n", ns, "-p", "{\"spec\":{\"selector\":{\"app\":\"web\"}}}")).ExitCode);
        var nodeIp = (await cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim();
        var curl = await Eventually.ValueAsync(() => Processes.RunAsync("curl", ["-s", "-m", "5", $"http://{nodeIp}:30007/"]),
            r => r.ExitCode == 0, "curl the NodePort from the host", seconds: 60);
        Assert.Contains("nginx", curl.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ServiceWithoutEndpoints_FromPod_RefusedAtOnce()
    {
        var ns = await NewNamespaceAsync("proxy-rej");
        var client = await ClientPodAsync(ns);
        Assert.Equal(0, (await cluster.KubectlAsync("create", "service", "clusterip", "nothing", "-n", ns, "--tcp=80:80")).ExitCode);
        var ip = await ClusterIpAsync(ns, "nothing");
        // curl exits 7 (couldn't connect) on a refusal and 28 on a timeout.
        var result = await Eventually.ValueAsync(async () =>
            {
                var sw = Stopwatch.StartNew();
                var r = await cluster.KubectlAsync("exec", client, "-n", ns, "--", "curl", "-s", "-m", "5", $"http://{ip}/");
                return (r, sw.Elapsed);
            }, x => x.r.ExitCode == 7, "connection refused", seconds: 30);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(4), $"refusal took {result.Elapsed}");
    }
}
