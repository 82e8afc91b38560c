using System.Text.Json.Nodes;

namespace Podway.E2E;

[Collection("cluster")]
public sealed class RolloutTests(ClusterFixture cluster)
{
    [Fact]
    public async Task RollingUpdate_NeverFewerReadyPodsThanMaxUnavailableAllows()
    {
        var ns = "roll-" + Guid.NewGuid().ToString("N")[..5];
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", ns)).ExitCode);
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: roll}
            spec:
              replicas: 4
              strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 1}}
              selector: {matchLabels: {app: roll}}
              template:
                metadata: {labels: {app: roll}}
                spec:
                  containers:
                    - name: web
                      image: nginx:1.25
                      readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(deployment, "apply", "-n", ns, "-f", "-")).ExitCode);
        Assert.Contains("successfully rolled out", (await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/roll", "--timeout=120s")).Stdout);

        using var stop = new CancellationTokenSource();
        var minReady = int.MaxValue;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", "app=roll", "-o", "json");
                if (r.ExitCode == 0)
                {
                    var ready = JsonNode.Parse(r.Stdout)!["items"]!.AsArray().Count(p =>
                        p!["metadata"]!["deletionTimestamp"] == null &&
                        p["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true);
                    minReady = Math.Min(minReady, ready);
                }
                await Task.Delay(100);
            }
        });

        Assert.Equal(0, (await cluster.KubectlAsync("set", "image", "-n", ns, "deployment/roll", "web=nginx:1.26")).ExitCode);
        var status = await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/roll", "--timeout=180s");
        stop.Cancel();
        await sampler;
        Assert.Contains("successfully rolled out", status.Stdout);
        Assert.True(minReady >= 3, $"only {minReady} Ready pods at one point; maxUnavailable 1 of 4 allows no fewer than 3");
    }
}
