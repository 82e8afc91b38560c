using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>Pods for real: the seed Deployment runs, Pods reach each other, probes, restarts, scaling, rollouts.</summary>
[Collection("cluster")]
public sealed class PodTests(ClusterFixture cluster)
{
    async Task<JsonArray> PodsAsync(string ns, string selector)
    {
        var result = await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", selector, "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!["items"]!.AsArray();
    }

    static bool IsReady(JsonNode? pod) =>
        pod?["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    async Task WaitReadyAsync(string ns, string selector, int count) =>
        await Eventually.ValueAsync(() => PodsAsync(ns, selector), pods => pods.Count(p => IsReady(p) && p!["metadata"]!["deletionTimestamp"] == null) == count,
            $"{count} Ready pods with {selector} in {ns}");

    [Fact]
    public async Task WebSeed_TwoNginxPodsRunReadyWithIpsAndReachEachOther()
    {
        var ns = await cluster.NewNamespaceAsync("web");
        var apply = await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        await WaitReadyAsync(ns, "app=web", 2);

        var pods = await PodsAsync(ns, "app=web");
        var ips = pods.Select(p => p!["status"]!["podIP"]!.GetValue<string>()).ToList();
        Assert.Equal(2, ips.Distinct().Count());
        Assert.All(ips, ip => Assert.StartsWith("10.", ip));

        var wide = await cluster.KubectlAsync("get", "pods", "-n", ns, "-o", "wide");
        Assert.Matches(@"web-[a-z0-9]+-[a-z0-9]+\s+1/1\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+\S+", wide.Stdout);

        var first = pods[0]!["metadata"]!["name"]!.GetValue<string>();
        var curl = await cluster.KubectlAsync("exec", "-n", ns, first, "--", "curl", "-s", $"http://{ips[1]}/");
        Assert.True(curl.ExitCode == 0, curl.ToString());
        Assert.Contains("Welcome to nginx!", curl.Stdout);

        var logs = await cluster.KubectlAsync("logs", "-n", ns, pods[1]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Contains("GET / HTTP/1.1", logs.Stdout);
    }

    [Fact]
    public async Task Nodes_ShowReadyControlPlaneWithInternalIp()
    {
        var nodes = await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "nodes", "-o", "wide"), r => r.Stdout.Contains(" Ready "), "a Ready node");
        Assert.Matches(@"\S+\s+Ready\s+control-plane\s+\S+\s+v1\.33\.\d+\s+10\.250\.\d+\.\d+", nodes.Stdout);
    }

    [Fact]
    public async Task ReadinessProbe_Failing_FlipsReadyAndBack()
    {
        var ns = await cluster.NewNamespaceAsync("probe");
        const string pod = """
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
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(pod, "apply", "-n", ns, "-f", "-")).ExitCode);
        await WaitReadyAsync(ns, "app=flip", 1);
        Assert.Equal(0, (await cluster.KubectlAsync("exec", "-n", ns, "flip", "--", "rm", "/tmp/ready")).ExitCode);
        await Eventually.ValueAsync(() => PodsAsync(ns, "app=flip"), pods => !IsReady(pods[0]), "Ready to turn False");
        Assert.Equal(0, (await cluster.KubectlAsync("exec", "-n", ns, "flip", "--", "touch", "/tmp/ready")).ExitCode);
        await WaitReadyAsync(ns, "app=flip", 1);
    }

    [Fact]
    public async Task CrashingContainer_RestartsWithBackOff()
    {
        var ns = await cluster.NewNamespaceAsync("crash");
        var run = await cluster.KubectlAsync("run", "crasher", "-n", ns, "--image=busybox", "--restart=Always", "--", "sh", "-c", "echo dying; exit 3");
        Assert.True(run.ExitCode == 0, run.ToString());
        var shown = await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "pod", "crasher", "-n", ns),
            r => r.Stdout.Contains("CrashLoopBackOff"), "CrashLoopBackOff in kubectl get pods");
        Assert.Matches(@"crasher\s+0/1\s+CrashLoopBackOff\s+[1-9]", shown.Stdout);
        var previous = await cluster.KubectlAsync("logs", "-n", ns, "crasher", "--previous");
        Assert.Contains("dying", previous.Stdout);
        var exitCode = await cluster.KubectlAsync("get", "pod", "crasher", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}");
        Assert.Equal("3", exitCode.Stdout.Trim());
    }

    [Fact]
    public async Task Scale_TwoFiveOne_PodCountFollows()
    {
        var ns = await cluster.NewNamespaceAsync("scale");
        Assert.Equal(0, (await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-deployment-web.yaml"))).ExitCode);
        await WaitReadyAsync(ns, "app=web", 3); // the seed asks for 3
        Assert.Equal(0, (await cluster.KubectlAsync("scale", "-n", ns, "deployment/web", "--replicas=2")).ExitCode);
        await WaitReadyAsync(ns, "app=web", 2);
        Assert.Equal(0, (await cluster.KubectlAsync("scale", "-n", ns, "deployment/web", "--replicas=5")).ExitCode);
        await WaitReadyAsync(ns, "app=web", 5);
        Assert.Equal(0, (await cluster.KubectlAsync("scale", "-n", ns, "deployment/web", "--replicas=1")).ExitCode);
        await Eventually.ValueAsync(() => PodsAsync(ns, "app=web"), pods => pods.Count == 1 && IsReady(pods[0]), "one pod left");
        var status = await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/web", "--timeout=60s");
        Assert.Contains("successfully rolled out", status.Stdout);
    }

    [Fact]
    public async Task RolloutUndo_RestoresThePreviousImage()
    {
        var ns = await cluster.NewNamespaceAsync("undo");
        Assert.Equal(0, (await cluster.KubectlAsync("create", "deployment", "app", "-n", ns, "--image=nginx:1.25", "--replicas=2")).ExitCode);
        Assert.Contains("successfully rolled out", (await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/app", "--timeout=90s")).Stdout);
        Assert.Equal(0, (await cluster.KubectlAsync("set", "image", "-n", ns, "deployment/app", "nginx=nginx:1.26")).ExitCode);
        Assert.Contains("successfully rolled out", (await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/app", "--timeout=90s")).Stdout);
        var history = await cluster.KubectlAsync("rollout", "history", "-n", ns, "deployment/app");
        Assert.Matches(@"(?m)^1\s", history.Stdout);
        Assert.Matches(@"(?m)^2\s", history.Stdout);

        Assert.Equal(0, (await cluster.KubectlAsync("rollout", "undo", "-n", ns, "deployment/app")).ExitCode);
        Assert.Contains("successfully rolled out", (await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/app", "--timeout=90s")).Stdout);
        var image = await cluster.KubectlAsync("get", "deploy", "app", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}");
        Assert.Equal("nginx:1.25", image.Stdout.Trim());
        await WaitReadyAsync(ns, "app=app", 2);
        var pods = await PodsAsync(ns, "app=app");
        Assert.All(pods, p => Assert.Equal("nginx:1.25", p!["spec"]!["containers"]![0]!["image"]!.GetValue<string>()));
    }
}
