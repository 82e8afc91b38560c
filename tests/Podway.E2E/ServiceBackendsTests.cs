using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>Services follow their backends: rolling updates without refused connections, hand-written EndpointSlices.</summary>
[Collection("cluster")]
public sealed class ServiceBackendsTests(ClusterFixture cluster)
{
    async Task ClientAsync(string ns)
    {
        Assert.Equal(0, (await cluster.KubectlAsync("run", "client", "-n", ns, "--image=nicolaka/netshoot", "--", "sleep", "3600")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/client", "--timeout=90s")).ExitCode);
    }

    [Fact]
    public async Task RollingUpdate_UnderSteadyRequests_NoConnectionIsRefused()
    {
        var ns = await cluster.NewNamespaceAsync("steady");
        const string app = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                    - name: web
                      image: nginx:1.25
                      readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(app, "apply", "-n", ns, "-f", "-")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")).ExitCode);
        await ClientAsync(ns);

        // One request every 50 ms to the Service's ClusterIP for the whole rollout, counted inside the client Pod
        // (the address, not the name: this is about the proxy's backends; DNS is tested on its own).
        var clusterIp = (await cluster.KubectlAsync("get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Stdout.Trim();
        // Pods are processes and see the host's /tmp, so the stop flag gets a name of its own.
        var stopFile = $"/tmp/podway-e2e-stop-{ns}";
        var loop = $"ok=0; bad=0; codes=; while [ ! -f {stopFile} ]; do curl -s -o /dev/null -m 2 http://{clusterIp}/; rc=$?; if [ $rc = 0 ]; then ok=$((ok+1)); else bad=$((bad+1)); codes=\"$codes $rc@$(date +%T.%N | cut -c1-12)\"; fi; sleep 0.05; done; rm -f {stopFile}; echo ok=$ok bad=$bad$codes";
        var load = cluster.KubectlAsync("exec", "-n", ns, "client", "--", "sh", "-c", loop);
        await Task.Delay(1000);
        Assert.Equal(0, (await cluster.KubectlAsync("set", "image", "-n", ns, "deployment/web", "web=nginx:1.26")).ExitCode);
        var rollout = await cluster.KubectlAsync("rollout", "status", "-n", ns, "deployment/web", "--timeout=180s");
        Assert.Equal(0, (await cluster.KubectlAsync("scale", "-n", ns, "deployment/web", "--replicas=1")).ExitCode);
        await Task.Delay(8000); // the scale-down's terminations run out under load too
        Assert.Equal(0, (await cluster.KubectlAsync("exec", "-n", ns, "client", "--", "touch", stopFile)).ExitCode);
        var counts = (await load).Stdout.Trim();
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Matches(@"^ok=\d+ bad=0$", counts); // on failure: curl's exit code @ time for each failed request
        Assert.True(int.Parse(counts.Split(' ')[0][3..]) > 20, counts);
    }

    [Fact]
    public async Task HandWrittenEndpointSlice_IsHonouredByProxyAndDns()
    {
        var ns = await cluster.NewNamespaceAsync("manual");
        Assert.Equal(0, (await cluster.KubectlAsync("run", "backend", "-n", ns, "--image=nginx")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/backend", "--timeout=90s")).ExitCode);
        var backendIp = (await cluster.KubectlAsync("get", "pod", "backend", "-n", ns, "-o", "jsonpath={.status.podIP}")).Stdout.Trim();
        await ClientAsync(ns);

        // The seed's selector-less Service and hand-written slice, pointed at a real Pod instead of 10.1.2.3.
        var slice = (await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "002-endpointslice.yaml"))).Replace("10.1.2.3", backendIp);
        const string service = """
            apiVersion: v1
            kind: Service
            metadata: {name: my-service}
            spec:
              ports: [{port: 80, protocol: TCP}]
            """;
        Assert.Equal(0, (await cluster.KubectlStdinAsync(service, "apply", "-n", ns, "-f", "-")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlStdinAsync(slice, "apply", "-n", ns, "-f", "-")).ExitCode);

        var page = await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", "-n", ns, "client", "--", "curl", "-s", "-m", "3", "http://my-service/"),
            r => r.Stdout.Contains("Welcome to nginx!"), "my-service through its hand-written EndpointSlice", seconds: 60);
        Assert.Contains("Welcome to nginx!", page.Stdout);
        var slices = JsonNode.Parse((await cluster.KubectlAsync("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=my-service", "-o", "json")).Stdout)!;
        Assert.Equal(["my-service-abc"], slices["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }
}
