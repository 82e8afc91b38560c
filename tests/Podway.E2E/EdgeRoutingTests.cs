namespace Podway.E2E;

/// <summary>The seeds' north-south path: curl on the host → the Ingress ADDRESS (edge LoadBalancer) → a Ready Pod.</summary>
[Collection("cluster")]
public sealed class EdgeRoutingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task SeedWebAll_CurlDemoLocal_AnswersFromAWebPod()
    {
        var ns = await cluster.NewNamespaceAsync("edge-seed");
        var apply = await cluster.KubectlAsync("apply", "-n", ns, "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        await cluster.RolledOutAsync(ns, "web");
        var address = await cluster.AddressAsync(ns, "web");

        var get = await cluster.KubectlAsync("get", "ingress", "web", "-n", ns);
        Assert.Matches($@"web\s+nginx\s+demo\.local\s+{address.Replace(".", @"\.")}\s+80\s", get.Stdout);
        // demo.local may also be claimed by the same seed in other namespaces: every one of them is nginx's page.
        var answer = await EdgeCluster.CurlUntilAsync(r => r.Stdout.Contains("Welcome to nginx!"), "demo.local answers through the edge",
            "-H", "Host: demo.local", $"http://{address}/");
        Assert.Equal(0, answer.ExitCode);
    }

    [Fact]
    public async Task PathTypes_ExactPrefixWildcardAndDefaultBackend_RouteAsTheIngressApiSays()
    {
        var ns = await cluster.NewNamespaceAsync("edge-paths");
        var exact = EdgeCluster.UniqueHost("exact");
        var wildcardDomain = EdgeCluster.UniqueHost("wild");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("alpha", 1) + "\n---\n" + EdgeCluster.HostnameBackend("beta", 1)
            + "\n---\n" + EdgeCluster.HostnameBackend("fallback", 1));
        await cluster.ApplyAsync(ns, $$"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: paths }
            spec:
              ingressClassName: podway
              defaultBackend: { service: { name: fallback, port: { number: 80 } } }
              rules:
                - host: {{exact}}
                  http:
                    paths:
                      - { path: /aaa, pathType: Exact, backend: { service: { name: alpha, port: { name: http } } } }
                      - { path: /aaa, pathType: Prefix, backend: { service: { name: beta, port: { number: 80 } } } }
                      - { path: /bbb, pathType: Prefix, backend: { service: { name: alpha, port: { number: 80 } } } }
                - host: "*.{{wildcardDomain}}"
                  http:
                    paths:
                      - { path: /, pathType: Prefix, backend: { service: { name: beta, port: { number: 80 } } } }
            """);
        foreach (var d in new[] { "alpha", "beta", "fallback" }) await cluster.RolledOutAsync(ns, d);
        var address = await cluster.AddressAsync(ns, "paths");

        async Task<string> Get(string host, string path)
        {
            var r = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.EndsWith("\n200"), $"{host}{path} routed",
                "-w", "\n%{http_code}", "-H", $"Host: {host}", $"http://{address}{path}");
            return r.Stdout;
        }
        Assert.StartsWith("alpha-", await Get(exact, "/aaa"));       // Exact beats Prefix of the same path
        Assert.StartsWith("beta-", await Get(exact, "/aaa/x"));      // Prefix by whole path elements
        Assert.StartsWith("beta-", await Get(exact, "/aaa/"));       // trailing slash ignored
        Assert.StartsWith("alpha-", await Get(exact, "/bbb/c"));
        Assert.StartsWith("fallback-", await Get(exact, "/aaaccc")); // /aaa does not match /aaaccc: default backend
        Assert.StartsWith("beta-", await Get("x." + wildcardDomain, "/"));
        // The wildcard covers one label only; a host no rule names goes to the default backend.
        Assert.StartsWith("fallback-", await Get("a.b." + wildcardDomain, "/"));
    }

    [Fact]
    public async Task UnknownClass_HasNoAddressAndIsNotServed()
    {
        var ns = await cluster.NewNamespaceAsync("edge-class");
        var host = EdgeCluster.UniqueHost("other");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 1));
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("other", host, className: "someone-else") + "\n---\n"
                                     + EdgeCluster.WebIngress("ours", EdgeCluster.UniqueHost("ours")));
        await cluster.RolledOutAsync(ns, "web");
        // Once its sibling has an address the status controller has seen both; the unknown class must stay empty.
        var address = await cluster.AddressAsync(ns, "ours");
        var other = await cluster.KubectlAsync("get", "ingress", "other", "-n", ns, "-o", "jsonpath={.status.loadBalancer.ingress}");
        Assert.Equal("", other.Stdout.Trim());

        var answer = await EdgeCluster.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", "-H", $"Host: {host}", $"http://{address}/");
        Assert.Equal("404", answer.Stdout);
    }

    /// <summary>
    /// What a user coming from ingress-nginx meets: a classless Ingress gets the default class (`nginx`) at create, an
    /// ingress-nginx annotation the edge ignores is a Warning event, a second Ingress claiming a served host and path
    /// is warned while the older one keeps serving, and answers say `Server: nginx`.
    /// </summary>
    [Fact]
    public async Task IngressNginxHabits_DefaultClassWarningsAndServerField()
    {
        var ns = await cluster.NewNamespaceAsync("edge-habits");
        var host = EdgeCluster.UniqueHost("habits");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 1));
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("first", host, className: null)
            .Replace("metadata: { name: first }", "metadata: { name: first, annotations: { nginx.ingress.kubernetes.io/auth-url: http://auth.example.com/check } }"));
        await cluster.RolledOutAsync(ns, "web");
        var address = await cluster.AddressAsync(ns, "first");
        Assert.Equal("nginx", (await cluster.KubectlAsync("get", "ingress", "first", "-n", ns, "-o", "jsonpath={.spec.ingressClassName}")).Stdout.Trim());
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("second", host));

        var served = await EdgeCluster.CurlUntilAsync(r => r.Stdout.Contains(" 200"), "the web Pod through the edge",
            "-D", "-", "-o", "/dev/null", "-H", $"Host: {host}", $"http://{address}/");
        Assert.Matches(@"(?im)^server: nginx\r?$", served.Stdout);
        await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "events", "-n", ns, "--field-selector", "type=Warning",
                "-o", "jsonpath={range .items[*]}{.involvedObject.name} {.reason}: {.message}{\"\\n\"}{end}"),
            r => r.Stdout.Contains("first UnsupportedAnnotation: annotation nginx.ingress.kubernetes.io/auth-url is not implemented")
                 && r.Stdout.Contains($"second PathConflict: host \"{host}\" and path \"/\" is already defined in ingress {ns}/first"),
            "Warning events on both Ingresses");

        // ingress-nginx's redirect annotations answer from the edge itself.
        var movedHost = EdgeCluster.UniqueHost("moved");
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("moved", movedHost)
            .Replace("metadata: { name: moved }", "metadata: { name: moved, annotations: { nginx.ingress.kubernetes.io/permanent-redirect: \"https://www.example.org/new\" } }"));
        var moved = await EdgeCluster.CurlUntilAsync(r => r.Stdout.StartsWith("301"), "the permanent redirect",
            "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-H", $"Host: {movedHost}", $"http://{address}/old?q=1");
        Assert.Equal("301 https://www.example.org/new", moved.Stdout);

        // The guides' own commands for the controller.
        var logs = await cluster.KubectlAsync("logs", "-n", "ingress-nginx", "deploy/ingress-nginx-controller", "--tail=1");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        var svc = await cluster.KubectlAsync("get", "svc", "-n", "ingress-nginx", "ingress-nginx-controller", "-o", "jsonpath={.spec.type} {.status.loadBalancer.ingress[0].ip}");
        Assert.Equal($"LoadBalancer {address}", svc.Stdout.Trim());
    }

    [Fact]
    public async Task ThreeReplicas_ManyRequests_EveryReplicaAnswers()
    {
        var ns = await cluster.NewNamespaceAsync("edge-spread");
        var host = EdgeCluster.UniqueHost("spread");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 3));
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("spread", host, className: null));
        await cluster.RolledOutAsync(ns, "web");
        var address = await cluster.AddressAsync(ns, "spread");
        var pods = (await cluster.KubectlAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"))
            .Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        Assert.Equal(3, pods.Count);

        // A class-less Ingress is served by the default class (nginx); all three Pods answer within 60 requests.
        var seen = await Eventually.ValueAsync(async () =>
        {
            var answers = new List<string>();
            for (var i = 0; i < 60; i++)
            {
                var r = await EdgeCluster.CurlAsync("-H", $"Host: {host}", $"http://{address}/");
                answers.Add(r.ExitCode == 0 ? r.Stdout : $"curl exit {r.ExitCode}: {r.Stderr.Trim()}");
            }
            return string.Join(", ", answers.Distinct().Order());
        }, answers => pods.All(answers.Contains), $"every replica of {string.Join(", ", pods)} answers");
        Assert.All(pods, pod => Assert.Contains(pod, seen));

        // The edge Pods' access log is what kubectl logs shows: one line per request, naming the Ingress.
        var logs = await Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("logs", "-n", "ingress-nginx", "-l", "app.kubernetes.io/name=ingress-nginx", "--tail=-1")).Stdout,
            s => s.Contains($"ingress={ns}/spread"), "access log lines for the Ingress");
        Assert.Matches($@"""GET / HTTP/1\.1"" 200 \d+ .*ingress={ns}/spread", logs);
    }
}
