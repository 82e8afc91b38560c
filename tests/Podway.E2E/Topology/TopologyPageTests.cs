using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Podway.E2E.Topology;

/// <summary>
/// The topology page in a real headless browser, opened as a user opens it (`kubectl proxy`, then the page): it draws
/// the demo's graph, follows a Deployment's scaling without a reload, draws a recent flow, traces it on a click, and a
/// screenshot of it is kept in .build/test-logs.
/// </summary>
[Collection("cluster")]
public sealed class TopologyPageTests(ClusterFixture cluster)
{
    const string Demo = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: 80}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-client}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress: [{from: [{podSelector: {matchLabels: {run: client}}}]}]
        """;

    static int Count(JsonNode? topology, string kind, string? cls = null) =>
        topology?["nodes"]?.AsArray().Count(n => (string?)n!["kind"] == kind && (cls is null || (string?)n["cls"] == cls)) ?? 0;

    static bool HasEdge(JsonNode? topology, Func<JsonNode, bool> match) => topology?["edges"]?.AsArray().Any(e => match(e!)) == true;

    [Fact]
    public async Task Page_DrawsDemo_FollowsScaling_DrawsFlows_Screenshot()
    {
        Assert.True(File.Exists(HeadlessChromium.Binary), $"{HeadlessChromium.Binary} is missing (tests/debian-packages.txt installs it)");
        var ns = await cluster.NewNamespaceAsync("topo");
        try
        {
            var apply = await cluster.KubectlStdinAsync(Demo, "apply", "-n", ns, "-f", "-");
            Assert.True(apply.ExitCode == 0, apply.ToString());
            var client = await cluster.KubectlAsync("run", "client", "-n", ns, "--image=nicolaka/netshoot", "--", "sleep", "3600");
            Assert.True(client.ExitCode == 0, client.ToString());

            await using var proxy = await KubectlProxy.StartAsync(cluster);
            await using var browser = await HeadlessChromium.OpenAsync($"{proxy.Url}/podway/topology/?namespace={ns}");
            // What the page drew, and its status line (live, or why it reconnects) for a failure's message.
            const string read = "({ ...window.topology, status: document.getElementById('status')?.textContent, url: location.href })";

            var drawn = await Eventually.ValueAsync(() => browser.EvaluateAsync(read),
                t => Count(t, "Pod", "ready") == 3 && Count(t, "Deployment") == 1 && Count(t, "NetworkPolicy") == 1
                    && HasEdge(t, e => (string?)e["from"] == "Service/web" && ((string?)e["to"])!.StartsWith("EndpointSlice/web-"))
                    && t!["edges"]!.AsArray().Count(e => ((string?)e!["from"])!.StartsWith("EndpointSlice/web-") && (string?)e["cls"] == "") == 2,
                "the demo drawn: 3 ready Pods, the Deployment, the policy, the Service's slice with both web Pods ready", 120);
            Assert.Equal(ns, (string?)drawn!["namespace"]);
            Assert.True(HasEdge(drawn, e => (string?)e["from"] == "NetworkPolicy/web-from-client" && (string?)e["cls"] == "selects"));
            Assert.True(HasEdge(drawn, e => (string?)e["from"] == "NetworkPolicy/web-from-client" && (string?)e["to"] == "Pod/client" && (string?)e["cls"] == "allows"));
            Assert.Equal(3, await browser.EvaluateAsync("document.querySelectorAll('#graph g.node.Pod').length") is { } n ? (int)n : -1);

            // Updated from watches: the same page (a marker set now survives) shows the third web Pod.
            await browser.EvaluateAsync("window.sameDocument = 42");
            var scale = await cluster.KubectlAsync("scale", "deployment", "web", "-n", ns, "--replicas=3");
            Assert.True(scale.ExitCode == 0, scale.ToString());
            var scaled = Stopwatch.StartNew();
            await Eventually.ValueAsync(() => browser.EvaluateAsync(read), t => Count(t, "Pod", "ready") == 4, "the page showing 4 ready Pods", 120);
            Console.WriteLine($"topology: the scaled-up Pod was drawn ready {scaled.ElapsedMilliseconds} ms after kubectl scale");
            Assert.Equal(42, (int?)await browser.EvaluateAsync("window.sameDocument"));

            // A recent flow from the node's flow log, drawn from the client Pod to the Service.
            await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", "-n", ns, "client", "--", "curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}", "http://web"),
                r => r.Stdout.Trim() == "200", "client -> web answering", 60);
            await Eventually.ValueAsync(() => browser.EvaluateAsync(read),
                t => HasEdge(t, e => (string?)e["from"] == "Pod/client" && (string?)e["to"] == "Service/web" && (string?)e["cls"] == "flow forwarded"),
                "the client's connection drawn as a forwarded flow", 30);

            // A click on that flow asks the cluster to trace the path: every layer passes, the request is made.
            await browser.EvaluateAsync("""
                (() => {
                  const i = window.topology.edges.findIndex(e => e.from === 'Pod/client' && e.to === 'Service/web' && e.cls === 'flow forwarded');
                  document.querySelector(`[data-edge="${i}"]`).dispatchEvent(new MouseEvent('click', { bubbles: true }));
                })()
                """);
            var panel = await Eventually.ValueAsync(() => browser.EvaluateAsync("document.querySelector('#panel').innerText"),
                t => ((string?)t)?.Contains("connect") == true, "the trace's layers beside the graph", 60);
            var text = (string)panel!;
            Assert.Contains($"podway trace -n {ns} pod/client svc/web", text);
            Assert.Contains("✓ connect", text);
            Assert.Contains("✓ policy", text);
            Assert.DoesNotContain("✗", text);

            var shot = await browser.ScreenshotAsync();
            Assert.True(shot.Length > 10_000, $"a screenshot of {shot.Length} bytes");
            var artifacts = Directory.CreateDirectory(Path.Combine(Paths.RepoRoot, ".build", "test-logs")).FullName;
            await File.WriteAllBytesAsync(Path.Combine(artifacts, "topology.png"), shot);
        }
        finally
        {
            await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }
}

/// <summary>`kubectl proxy` on a free loopback port with the cluster's kubeconfig, as a user opens the page.</summary>
public sealed class KubectlProxy : IAsyncDisposable
{
    readonly Process _process;
    public string Url { get; }

    KubectlProxy(Process process, string url) { _process = process; Url = url; }

    public static async Task<KubectlProxy> StartAsync(ClusterFixture cluster)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--kubeconfig", cluster.Kubeconfig, "proxy", "--port=0" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "";
        // "Starting to serve on 127.0.0.1:PORT"
        var address = line.Split(' ').Last();
        if (!line.StartsWith("Starting to serve on ")) { process.Kill(); throw new InvalidOperationException($"kubectl proxy said: {line}"); }
        return new KubectlProxy(process, $"http://{address}");
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.Kill(); await _process.WaitForExitAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
