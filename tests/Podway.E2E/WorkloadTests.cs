using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>StatefulSets and the node agent's own restarts.</summary>
[Collection("cluster")]
public sealed class WorkloadTests(ClusterFixture cluster)
{
    async Task<List<string>> PodNamesAsync(string ns, string selector)
    {
        var r = await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", selector, "-o", "jsonpath={.items[*].metadata.name}");
        return r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList();
    }

    [Fact]
    public async Task StatefulSet_OrdinalPodsWithStableHostnames_ScaleInOrder()
    {
        var ns = await cluster.NewNamespaceAsync("sts");
        const string manifest = """
            apiVersion: v1
            kind: Service
            metadata: {name: nginx}
            spec:
              clusterIP: None
              selector: {app: sts}
              ports: [{port: 80, name: web}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: web}
            spec:
              serviceName: nginx
              replicas: 2
              selector: {matchLabels: {app: sts}}
              template:
                metadata: {labels: {app: sts}}
                spec:
                  containers:
                    - name: nginx
                      image: nginx
                      readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(manifest, "apply", "-n", ns, "-f", "-")).ExitCode);
        var status = await cluster.KubectlAsync("rollout", "status", "-n", ns, "statefulset/web", "--timeout=120s");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(["web-0", "web-1"], await PodNamesAsync(ns, "app=sts"));

        var hostname = await cluster.KubectlAsync("exec", "-n", ns, "web-0", "--", "hostname");
        Assert.Equal("web-0", hostname.Stdout.Trim());
        var hosts = await cluster.KubectlAsync("exec", "-n", ns, "web-1", "--", "cat", "/etc/hosts");
        Assert.Contains($"web-1.nginx.{ns}.svc.cluster.local", hosts.Stdout);

        Assert.Equal(0, (await cluster.KubectlAsync("scale", "-n", ns, "statefulset/web", "--replicas=3")).ExitCode);
        await Eventually.ValueAsync(() => PodNamesAsync(ns, "app=sts"), n => n.SequenceEqual(["web-0", "web-1", "web-2"]), "web-2 created");
        Assert.Equal(0, (await cluster.KubectlAsync("scale", "-n", ns, "statefulset/web", "--replicas=1")).ExitCode);
        await Eventually.ValueAsync(() => PodNamesAsync(ns, "app=sts"), n => n.SequenceEqual(["web-0"]), "scaled down to web-0");
    }

    [Fact]
    public async Task AgentRestart_RunningPodsKeepRunning_DeletedOnesAreCleanedUp()
    {
        var ns = await cluster.NewNamespaceAsync("agent");
        foreach (var name in new[] { "keeper", "goner" })
        {
            Assert.Equal(0, (await cluster.KubectlAsync("run", name, "-n", ns, "--image=busybox", "--", "sleep", "3600")).ExitCode);
            Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", $"pod/{name}", "--timeout=90s")).ExitCode);
        }
        var keeperId = (await cluster.KubectlAsync("get", "pod", "keeper", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].containerID}")).Stdout.Trim();
        var gonerUid = (await cluster.KubectlAsync("get", "pod", "goner", "-n", ns, "-o", "jsonpath={.metadata.uid}")).Stdout.Trim();

        // Freeze the agent, remove a Pod behind its back, then kill it: the supervisor starts a new one.
        var agentPid = (await Processes.RunAsync("pgrep", ["-f", $"agent --name {cluster.Name} "])).Stdout.Trim().Split('\n')[0];
        Assert.NotEmpty(agentPid);
        await Processes.RunAsync("kill", ["-STOP", agentPid]);
        Assert.Equal(0, (await cluster.KubectlAsync("delete", "pod", "goner", "-n", ns, "--grace-period=0", "--force")).ExitCode);
        await Processes.RunAsync("kill", ["-KILL", agentPid]);

        await Eventually.ValueAsync(async () => (await Processes.RunAsync("pgrep", ["-f", $"agent --name {cluster.Name} "])).Stdout.Trim(),
            pid => pid.Length > 0 && pid != agentPid, "a new agent");
        await Eventually.ValueAsync(async () => (await Processes.RunAsync("ip", ["netns", "list"])).Stdout,
            list => !list.Contains($"podway-{cluster.Name}-pod-{gonerUid[..12]}"), "the deleted Pod's sandbox removed");

        await Task.Delay(3000); // give the new agent time to (wrongly) restart anything
        var keeper = JsonNode.Parse((await cluster.KubectlAsync("get", "pod", "keeper", "-n", ns, "-o", "json")).Stdout)!;
        Assert.Equal("Running", keeper["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(0, keeper["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>());
        Assert.Equal(keeperId, keeper["status"]!["containerStatuses"]![0]!["containerID"]!.GetValue<string>());
        Assert.Equal(0, (await cluster.KubectlAsync("exec", "-n", ns, "keeper", "--", "true")).ExitCode);
    }
}
