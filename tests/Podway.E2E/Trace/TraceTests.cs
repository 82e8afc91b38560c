using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>
/// `podway trace` on the guides' demo (000-web-all.yaml in a namespace of its own): the working path is all ✓ with
/// the right backends, then each breakage the guides list makes trace name the broken layer and its fix, exit 1.
/// </summary>
[Collection("cluster")]
public sealed class TraceTests(ClusterFixture cluster)
{
    /// <summary>The demo with an Ingress host of its own (hosts are cluster-wide) and a client Pod beside it.</summary>
    async Task<(string Ns, string Host)> DeployDemoAsync(string prefix)
    {
        var ns = await cluster.NewNamespaceAsync(prefix);
        var host = EdgeCluster.UniqueHost("trace");
        var demo = (await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "000-web-all.yaml"))).Replace("demo.local", host);
        await cluster.ApplyAsync(ns, demo + "\n---\n" + TraceCommands.Client);
        await cluster.RolledOutAsync(ns, "web");
        await cluster.RolledOutAsync(ns, "client");
        return (ns, host);
    }

    async Task<IReadOnlyList<string>> WebPodIpsAsync(string ns)
    {
        var ips = await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}");
        return ips.Stdout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task WorkingDemo_EveryLayerPasses_ThenSelectorTargetPortPolicyAndNamespaceBreakagesNameTheirLayer()
    {
        var (ns, host) = await DeployDemoAsync("trace");
        try
        {
            // Working: Pod -> Service by its short name, every layer ✓, the kernel DNATs to exactly the web Pods.
            var ok = await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.Succeeded, "a working trace");
            Assert.Equal(0, ok.Process.ExitCode);
            foreach (var layer in new[] { "from", "dns", "service", "endpoints", "port", "nftables", "policy", "connect" })
                Assert.True(ok.Status(layer) == "pass", $"{layer} should pass\n{ok}");
            Assert.Contains($"web.{ns}.svc.cluster.local", ok.Saw("dns"));
            var dnat = (ok.Layer("nftables")!["details"]!["dnat"] as JsonArray)!.Select(d => d!.GetValue<string>()).OrderBy(d => d).ToList();
            Assert.Equal((await WebPodIpsAsync(ns)).Select(ip => ip + ":80").OrderBy(d => d).ToList(), dnat);
            Assert.Equal(200, ok.Layer("connect")!["details"]!["status"]!.GetValue<int>());
            // Text output: one line per layer with ✓.
            var text = await cluster.PodwayAsync("trace", "--name", cluster.Name, "--data-dir", cluster.DataDir, "-n", ns, "deploy/client", "http://web");
            Assert.Equal(0, text.ExitCode);
            Assert.Contains("✓ nftables", text.Stdout);
            Assert.DoesNotContain("✗", text.Stdout);

            // The host through the Ingress: the edge's rule names this Ingress and Service web.
            var edge = await cluster.TraceUntilAsync(ns, "host", $"http://{host}/", r => r.Succeeded, "a working trace through the Ingress");
            Assert.Contains($"Ingress {ns}/web", edge.Saw("edge"));
            Assert.Contains($"Service {ns}/web:80", edge.Saw("edge"));

            // Selector mismatch: the labels side by side, the fix names the Pods' value.
            await cluster.KubectlAsync("patch", "svc", "web", "-n", ns, "-p", """{"spec":{"selector":{"app":"wep"}}}""");
            var selector = await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.FailedLayer == "endpoints", "trace failing at endpoints");
            Assert.Equal(1, selector.Process.ExitCode);
            Assert.Contains("selector mismatch", selector.Saw("endpoints"));
            Assert.Contains("app=wep", selector.Saw("endpoints"));
            Assert.Contains("app=web", selector.Saw("endpoints"));
            Assert.Contains("app=web", selector.Fix("endpoints"));
            Assert.Contains("REJECT", selector.Saw("nftables"));
            Assert.Equal("fail", selector.Status("connect"));
            await cluster.KubectlAsync("patch", "svc", "web", "-n", ns, "-p", """{"spec":{"selector":{"app":"web"}}}""");
            await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.Succeeded, "the selector repaired");

            // Wrong targetPort: nothing listens on 8080 in the web Pods (read from their namespaces).
            await cluster.KubectlAsync("patch", "svc", "web", "-n", ns, "--type=json", "-p", """[{"op":"replace","path":"/spec/ports/0/targetPort","value":8080}]""");
            var port = await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.FailedLayer == "port", "trace failing at port");
            Assert.Equal(1, port.Process.ExitCode);
            Assert.Contains("wrong targetPort", port.Saw("port"));
            Assert.Contains("targetPort to 80", port.Fix("port"));
            await cluster.KubectlAsync("patch", "svc", "web", "-n", ns, "--type=json", "-p", """[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]""");
            await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.Succeeded, "the targetPort repaired");

            // A policy drop: default deny ingress for the namespace; trace names the policy and the connection times out.
            await cluster.ApplyAsync(ns, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: { name: default-deny }
                spec: { podSelector: {}, policyTypes: [Ingress] }
                """);
            var policy = await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.FailedLayer == "policy" && r.Status("connect") == "fail", "trace failing at policy");
            Assert.Equal(1, policy.Process.ExitCode);
            Assert.Contains($"{ns}/default-deny", policy.Saw("policy"));
            Assert.Contains("default deny", policy.Saw("policy"));
            Assert.Contains("app=client", policy.Fix("policy"));
            await cluster.KubectlAsync("delete", "networkpolicy", "default-deny", "-n", ns);
            await cluster.TraceUntilAsync(ns, "deploy/client", "http://web", r => r.Succeeded, "the policy removed");

            // The wrong namespace in the name: NXDOMAIN, and the fix names the right one.
            var wrongNs = await cluster.TraceAsync(ns, "deploy/client", "http://web.no-such-ns");
            Assert.Equal(1, wrongNs.Process.ExitCode);
            Assert.Equal("dns", wrongNs.FailedLayer);
            Assert.Contains("NXDOMAIN", wrongNs.Saw("dns"));
            Assert.Contains($"web.{ns}", wrongNs.Fix("dns"));
        }
        finally
        {
            await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    [Fact]
    public async Task ServiceInAnotherNamespace_And_FailingReadinessProbe_AreNamed()
    {
        var (ns, _) = await DeployDemoAsync("trace-ns");
        var other = await cluster.NewNamespaceAsync("trace-other");
        try
        {
            // A client in another namespace asks for the short name: its search path cannot find it.
            await cluster.ApplyAsync(other, TraceCommands.Client);
            await cluster.RolledOutAsync(other, "client");
            // (Until the new Pod's first DNS answer comes back the layer may say the DNS does not answer; wait past that.)
            var shortName = await cluster.TraceUntilAsync(other, "deploy/client", "http://web", r => r.Saw("dns").Contains("NXDOMAIN"), "NXDOMAIN for the short name");
            Assert.Equal(1, shortName.Process.ExitCode);
            Assert.Equal("dns", shortName.FailedLayer);
            Assert.Contains($"no Service web in namespace {other}", shortName.Saw("dns"));
            Assert.Contains($"{other}.svc.cluster.local", shortName.Saw("dns"));
            Assert.Contains($"web.{ns}", shortName.Fix("dns"));
            // svc/web in the wrong -n: the fix names the namespace it is in.
            var svc = await cluster.TraceAsync(other, "deploy/client", "svc/web");
            Assert.Equal("service", svc.FailedLayer);
            Assert.Contains($"-n {ns}", svc.Fix("service"));
            // The qualified name works from there.
            var qualified = await cluster.TraceUntilAsync(other, "deploy/client", $"http://web.{ns}", r => r.Succeeded, "web.NS from another namespace");
            Assert.Equal(0, qualified.Process.ExitCode);

            // No ready endpoints: a readiness probe on a path nginx does not serve; trace quotes the kubelet's message.
            await cluster.ApplyAsync(ns, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: sick }
                spec:
                  replicas: 1
                  selector: { matchLabels: { app: sick } }
                  template:
                    metadata: { labels: { app: sick } }
                    spec:
                      containers:
                        - name: nginx
                          image: nginx:1.25-alpine
                          ports: [{ containerPort: 80 }]
                          readinessProbe: { httpGet: { path: /healthz, port: 80 }, periodSeconds: 1 }
                ---
                apiVersion: v1
                kind: Service
                metadata: { name: sick }
                spec: { selector: { app: sick }, ports: [{ port: 80, targetPort: 80 }] }
                """);
            var sick = await cluster.TraceUntilAsync(ns, "deploy/client", "http://sick", r => r.Saw("endpoints").Contains("readiness probe failing"), "the probe's failure named");
            Assert.Equal(1, sick.Process.ExitCode);
            Assert.Equal("endpoints", sick.FailedLayer);
            Assert.Contains("ready=false", sick.Saw("endpoints"));
            Assert.Contains("404", sick.Saw("endpoints"));
            Assert.Contains("REJECT", sick.Saw("nftables"));
            Assert.Contains("connection refused", sick.Saw("connect"));
        }
        finally
        {
            await cluster.KubectlAsync("delete", "namespace", ns, other, "--wait=false");
        }
    }

    [Fact]
    public async Task Edge_UnclaimedIngressClass_UnclaimedGatewayClass_MissingTlsSecret_FailAtEdgeOrTls()
    {
        var (ns, host) = await DeployDemoAsync("trace-edge");
        var id = Guid.NewGuid().ToString("N")[..6];
        string orphanHost = EdgeCluster.UniqueHost("orphan"), secureHost = EdgeCluster.UniqueHost("secure"),
            gwOrphanHost = EdgeCluster.UniqueHost("gworphan"), gwHost = EdgeCluster.UniqueHost("gw");
        try
        {
            await cluster.ApplyAsync(ns, $$"""
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: { name: trace-{{id}} }
                spec: { controller: example.com/nobody }
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: { name: orphan }
                spec:
                  ingressClassName: trace-{{id}}
                  rules: [{ host: {{orphanHost}}, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
                ---
                {{EdgeCluster.WebIngress("secure", secureHost, tlsSecret: "secure-tls")}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: { name: trace-{{id}} }
                spec: { controllerName: example.com/nobody }
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: { name: orphan }
                spec: { gatewayClassName: trace-{{id}}, listeners: [{ name: http, protocol: HTTP, port: 80 }] }
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: { name: orphan }
                spec: { parentRefs: [{ name: orphan }], hostnames: [{{gwOrphanHost}}], rules: [{ backendRefs: [{ name: web, port: 80 }] }] }
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: { name: gw }
                spec: { gatewayClassName: podway, listeners: [{ name: http, protocol: HTTP, port: 80 }] }
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: { name: api }
                spec:
                  parentRefs: [{ name: gw }]
                  hostnames: [{{gwHost}}]
                  rules: [{ matches: [{ path: { type: PathPrefix, value: /api } }], backendRefs: [{ name: web, port: 80 }] }]
                """);

            var orphan = await cluster.TraceAsync(ns, "host", $"http://{orphanHost}/");
            Assert.Equal(1, orphan.Process.ExitCode);
            Assert.Equal("edge", orphan.FailedLayer);
            Assert.Contains("example.com/nobody", orphan.Saw("edge"));
            Assert.Contains("ingressClassName: nginx", orphan.Fix("edge"));

            var gwOrphan = await cluster.TraceAsync(ns, "host", $"http://{gwOrphanHost}/");
            Assert.Equal(1, gwOrphan.Process.ExitCode);
            Assert.Equal("edge", gwOrphan.FailedLayer);
            Assert.Contains($"GatewayClass trace-{id}", gwOrphan.Saw("edge"));
            Assert.Contains("gatewayClassName: podway", gwOrphan.Fix("edge"));

            var secure = await cluster.TraceUntilAsync(ns, "host", $"https://{secureHost}/", r => r.FailedLayer == "tls", "the missing Secret named");
            Assert.Equal(1, secure.Process.ExitCode);
            Assert.Contains("secure-tls", secure.Saw("tls"));
            Assert.Contains("kubectl create secret tls secure-tls", secure.Fix("tls"));

            // podway's own Gateway: the same matching the edge runs picks the HTTPRoute rule and backend, and it answers.
            var gw = await cluster.TraceUntilAsync(ns, "host", $"http://{gwHost}/api", r => r.Succeeded, "a working trace through the Gateway");
            Assert.Contains($"HTTPRoute {ns}/api rule 0", gw.Saw("edge"));
            Assert.Contains($"Service {ns}/web:80", gw.Saw("edge"));
            Assert.Equal("pass", gw.Status("connect")); // nginx itself answers (404: it serves no /api), not the edge
            // A path no rule matches fails at the edge (the edge answers 404).
            var miss = await cluster.TraceAsync(ns, "host", $"http://{gwHost}/other");
            Assert.Equal("edge", miss.FailedLayer);
        }
        finally
        {
            await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
            await cluster.KubectlAsync("delete", "ingressclass,gatewayclass", $"trace-{id}", "--ignore-not-found");
        }
    }

    [Fact]
    public async Task BadFromOrTo_IsAUsageError()
    {
        var bad = await cluster.PodwayAsync("trace", "--name", cluster.Name, "--data-dir", cluster.DataDir, "pod/client", "ftp://x");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("TO \"ftp://x\" is not a URL", bad.Stderr);
        var noPort = await cluster.PodwayAsync("trace", "--name", cluster.Name, "--data-dir", cluster.DataDir, "host", "pod/web");
        Assert.Equal(2, noPort.ExitCode);
        Assert.Contains("needs a port", noPort.Stderr);
        var one = await cluster.PodwayAsync("trace", "--name", cluster.Name, "--data-dir", cluster.DataDir, "host");
        Assert.Equal(2, one.ExitCode);
    }
}
