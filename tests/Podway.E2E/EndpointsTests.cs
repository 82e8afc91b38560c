using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>EndpointSlices and Endpoints as kubectl shows them on a real podway cluster.</summary>
[Collection("cluster")]
public sealed class EndpointsTests(ClusterFixture cluster)
{
    async Task<List<string>> ReadyPodIpsAsync(string ns, string selector)
    {
        var result = await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", selector, "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!["items"]!.AsArray()
            .Where(p => p!["metadata"]!["deletionTimestamp"] is null
                && p["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true)
            .Select(p => p!["status"]!["podIP"]!.GetValue<string>()).Order().ToList();
    }

    [Fact]
    public async Task WebSeed_EndpointsDescribeAndSlices_ListBothPodIps()
    {
        var ns = await cluster.NewNamespaceAsync("ep");
        var apply = await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var ips = await Eventually.ValueAsync(() => ReadyPodIpsAsync(ns, "app=web"), l => l.Count == 2, "2 Ready web pods");

        var endpoints = await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "endpoints", "web", "-n", ns),
            r => ips.All(ip => r.Stdout.Contains($"{ip}:80")), "both pod IPs in kubectl get endpoints");
        Assert.Matches(@"web\s+10\.\S+:80,10\.\S+:80\s+", endpoints.Stdout);

        var describe = await cluster.KubectlAsync("describe", "svc", "web", "-n", ns);
        Assert.True(describe.ExitCode == 0, describe.ToString());
        var line = describe.Stdout.Split('\n').Single(l => l.StartsWith("Endpoints:"));
        Assert.All(ips, ip => Assert.Contains($"{ip}:80", line));

        var slices = await cluster.KubectlAsync("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web");
        Assert.True(slices.ExitCode == 0, slices.ToString());
        Assert.Matches(@"web-[a-z0-9]{5}\s+IPv4\s+80\s+", slices.Stdout);
        Assert.All(ips, ip => Assert.Contains(ip, slices.Stdout));
    }

    [Fact]
    public async Task Service_SelectorMatchesNothing_EndpointsShowNone()
    {
        var ns = await cluster.NewNamespaceAsync("ep-none");
        var create = await cluster.KubectlAsync("create", "service", "clusterip", "ghost", "-n", ns, "--tcp=80:8080");
        Assert.True(create.ExitCode == 0, create.ToString());

        var shown = await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "endpoints", "ghost", "-n", ns), r => r.ExitCode == 0, "the ghost Endpoints");
        Assert.Matches(@"ghost\s+<none>\s+", shown.Stdout);
    }

    [Fact]
    public async Task ReadinessProbe_Failing_LeavesEndpointsAndComesBack()
    {
        var ns = await cluster.NewNamespaceAsync("ep-flip");
        const string manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: flip
              labels: {app: flip}
            spec:
              containers:
                - name: c
                  image: busybox
                  command: ["sh", "-c", "touch /tmp/ready; sleep 3600"]
                  readinessProbe:
                    exec:
                      command: ["cat", "/tmp/ready"]
                    periodSeconds: 1
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: flip
            spec:
              selector: {app: flip}
              ports:
                - port: 80
                  targetPort: 8080
            """;
        var apply = await cluster.KubectlStdinAsync(manifest, "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var ip = (await Eventually.ValueAsync(() => ReadyPodIpsAsync(ns, "app=flip"), l => l.Count == 1, "the flip pod Ready"))[0];
        Task<ProcessResult> Get() => cluster.KubectlAsync("get", "endpoints", "flip", "-n", ns);
        await Eventually.ValueAsync(Get, r => r.Stdout.Contains($"{ip}:8080"), "the pod in the endpoints");

        Assert.Equal(0, (await cluster.KubectlAsync("exec", "-n", ns, "flip", "--", "rm", "/tmp/ready")).ExitCode);
        // Only a notReadyAddress left: kubectl prints an empty ENDPOINTS column then (<none> is for no subsets at all).
        await Eventually.ValueAsync(Get, r => r.ExitCode == 0 && !r.Stdout.Contains($"{ip}:8080"), "the pod out of the endpoints");
        var slice = await cluster.KubectlAsync("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=flip", "-o", "jsonpath={.items[0].endpoints[0].conditions.ready}");
        Assert.Equal("false", slice.Stdout.Trim());

        Assert.Equal(0, (await cluster.KubectlAsync("exec", "-n", ns, "flip", "--", "touch", "/tmp/ready")).ExitCode);
        await Eventually.ValueAsync(Get, r => r.Stdout.Contains($"{ip}:8080"), "the pod back in the endpoints");
    }
}
