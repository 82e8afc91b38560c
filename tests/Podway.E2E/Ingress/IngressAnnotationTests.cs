using System.Text.Json.Nodes;

namespace Podway.E2E.Ingress;

/// <summary>
/// ingress-nginx annotations as a user applies them: curl from the host to the Ingress address with a Host header,
/// against the conformance echoserver (which answers what request it got), the behaviour ingress-nginx documents.
/// </summary>
[Collection("cluster")]
public sealed class IngressAnnotationTests(ClusterFixture cluster) : OwnNamespaces(cluster)
{
    const string P = "nginx.ingress.kubernetes.io/";

    /// <summary>An echoserver Deployment and Service `echo` (port 80 → 3000).</summary>
    static string Echo(string name = "echo", int replicas = 1) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: {{name}} }
        spec:
          replicas: {{replicas}}
          selector: { matchLabels: { app: {{name}} } }
          template:
            metadata: { labels: { app: {{name}} } }
            spec:
              containers:
                - name: echo
                  image: {{ConformanceSuite.EchoImage}}
                  env:
                    - { name: SERVICE_NAME, value: {{name}} }
                    - name: POD_NAME
                      valueFrom: { fieldRef: { fieldPath: metadata.name } }
                  ports: [{ containerPort: 3000 }]
                  readinessProbe: { httpGet: { path: /health, port: 3000 }, periodSeconds: 1 }
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: {{name}} }
        spec:
          selector: { app: {{name}} }
          ports: [{ port: 80, targetPort: 3000 }]
        """;

    static string AnnotatedIngress(string name, string host, Dictionary<string, string> annotations, string path = "/",
        string pathType = "Prefix", string service = "echo") => $$"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: {{name}}
          annotations:
        {{string.Join("\n", annotations.Select(a => $"    {P}{a.Key}: {System.Text.Json.JsonSerializer.Serialize(a.Value)}"))}}
        spec:
          ingressClassName: nginx
          rules:
            - host: {{host}}
              http: { paths: [{ path: "{{path}}", pathType: {{pathType}}, backend: { service: { name: {{service}}, port: { number: 80 } } } }] }
        """;

    async Task<(string Ns, string Address)> EchoNamespaceAsync(string prefix)
    {
        var ns = await NewNamespaceAsync(prefix);
        await cluster.ApplyAsync(ns, Echo());
        await cluster.RolledOutAsync(ns, "echo");
        return (ns, "");
    }

    /// <summary>curl -i until the status line says <paramref name="status"/>; returns head and body.</summary>
    static Task<ProcessResult> CurlStatusAsync(string status, params string[] args) =>
        EdgeCluster.CurlUntilAsync(r => r.Stdout.StartsWith("HTTP/1.1 " + status), $"answer {status}", ["-i", .. args]);

    static JsonNode Body(ProcessResult curl) => JsonNode.Parse(curl.Stdout[curl.Stdout.IndexOf('{')..])!;

    [Fact]
    public async Task RewriteTargetAndUseRegex_CaptureGroupsReachTheBackend()
    {
        var (ns, _) = await EchoNamespaceAsync("ann-rewrite");
        var host = EdgeCluster.UniqueHost("rewrite");
        await cluster.ApplyAsync(ns, AnnotatedIngress("rewrite", host,
            new() { ["use-regex"] = "true", ["rewrite-target"] = "/$2", ["x-forwarded-prefix"] = "/something" },
            "/something(/|$)(.*)", "ImplementationSpecific"));
        var address = await cluster.AddressAsync(ns, "rewrite");

        var answer = await CurlStatusAsync("200", "-H", $"Host: {host}", $"http://{address}/something/new/path?x=1");
        Assert.Equal("/new/path?x=1", (string?)Body(answer)["path"]);
        Assert.Equal("/something", (string?)Body(answer)["headers"]!["X-Forwarded-Prefix"]![0]);
        var root = await CurlStatusAsync("200", "-H", $"Host: {host}", $"http://{address}/SOMETHING");
        Assert.Equal("/", (string?)Body(root)["path"]);
        await CurlStatusAsync("404", "-H", $"Host: {host}", $"http://{address}/other");
    }

    [Fact]
    public async Task CorsBodySizeAndAuth_AnsweredByTheEdgeAsIngressNginxDoes()
    {
        var (ns, _) = await EchoNamespaceAsync("ann-edge");
        var host = EdgeCluster.UniqueHost("guarded");
        // htpasswd -m: foo / secret
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Secret
            metadata: { name: basic-auth }
            stringData: { auth: "foo:$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0\n" }
            """);
        await cluster.ApplyAsync(ns, AnnotatedIngress("guarded", host, new()
        {
            ["enable-cors"] = "true", ["cors-allow-origin"] = "https://app.example.com", ["proxy-body-size"] = "1k",
            ["auth-type"] = "basic", ["auth-secret"] = "basic-auth", ["auth-realm"] = "Authentication Required - foo",
        }));
        var address = await cluster.AddressAsync(ns, "guarded");

        var anonymous = await CurlStatusAsync("401", "-H", $"Host: {host}", $"http://{address}/");
        Assert.Matches("(?im)^www-authenticate: Basic realm=\"Authentication Required - foo\"\r?$", anonymous.Stdout);
        var wrong = await CurlStatusAsync("401", "-u", "foo:wrong", "-H", $"Host: {host}", $"http://{address}/");
        var allowed = await CurlStatusAsync("200", "-u", "foo:secret", "-H", "Origin: https://app.example.com", "-H", $"Host: {host}", $"http://{address}/");
        Assert.Matches("(?im)^access-control-allow-origin: https://app.example.com\r?$", allowed.Stdout);

        // The preflight is answered before auth, as ingress-nginx's `return 204` in the rewrite phase.
        var preflight = await CurlStatusAsync("204", "-X", "OPTIONS", "-H", "Origin: https://app.example.com",
            "-H", "Access-Control-Request-Method: POST", "-H", $"Host: {host}", $"http://{address}/");
        Assert.Matches("(?im)^access-control-allow-methods: GET, PUT, POST, DELETE, PATCH, OPTIONS\r?$", preflight.Stdout);
        Assert.Matches("(?im)^access-control-max-age: 1728000\r?$", preflight.Stdout);

        var big = new string('x', 2048);
        await CurlStatusAsync("413", "-u", "foo:secret", "--data-binary", big, "-H", $"Host: {host}", $"http://{address}/");
        await CurlStatusAsync("200", "-u", "foo:secret", "--data-binary", big[..1000], "-H", $"Host: {host}", $"http://{address}/");
    }

    [Fact]
    public async Task WhitelistSourceRange_JudgesTheAddressTheEdgeSees()
    {
        var (ns, _) = await EchoNamespaceAsync("ann-allow");
        var open = EdgeCluster.UniqueHost("open");
        await cluster.ApplyAsync(ns, AnnotatedIngress("open", open, new() { ["use-regex"] = "false" }));
        var address = await cluster.AddressAsync(ns, "open");
        // The edge's X-Forwarded-For is the client address it judges (behind the LoadBalancer Service's proxy).
        var seen = (string?)Body(await CurlStatusAsync("200", "-H", $"Host: {open}", $"http://{address}/"))["headers"]!["X-Forwarded-For"]![0];
        Assert.NotNull(seen);

        var admitted = EdgeCluster.UniqueHost("admitted");
        var refused = EdgeCluster.UniqueHost("refused");
        await cluster.ApplyAsync(ns, AnnotatedIngress("admitted", admitted, new() { ["whitelist-source-range"] = $"192.0.2.0/24, {seen}/32" }));
        await cluster.ApplyAsync(ns, AnnotatedIngress("refused", refused, new() { ["whitelist-source-range"] = "192.0.2.0/24" }));
        await CurlStatusAsync("200", "-H", $"Host: {admitted}", $"http://{address}/");
        await CurlStatusAsync("403", "-H", $"Host: {refused}", $"http://{address}/");
    }

    [Fact]
    public async Task InvalidValuesAndSnippets_AreWarningEvents()
    {
        var (ns, _) = await EchoNamespaceAsync("ann-warn");
        var host = EdgeCluster.UniqueHost("warned");
        await cluster.ApplyAsync(ns, AnnotatedIngress("warned", host, new()
        {
            ["proxy-body-size"] = "lots", ["configuration-snippet"] = "more_set_headers \"X-Foo: bar\";",
        }));
        var address = await cluster.AddressAsync(ns, "warned");
        await CurlStatusAsync("200", "-H", $"Host: {host}", $"http://{address}/"); // served, with the default limit
        await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "events", "-n", ns, "--field-selector", "type=Warning",
                "-o", "jsonpath={range .items[*]}{.involvedObject.name} {.reason}: {.message}{\"\\n\"}{end}"),
            r => r.Stdout.Contains($"warned InvalidAnnotation: annotation {P}proxy-body-size: \"lots\" is not an nginx size")
                 && r.Stdout.Contains($"warned UnsupportedAnnotation: annotation {P}configuration-snippet is nginx configuration syntax"),
            "Warning events naming both annotations");
    }

    [Fact]
    public async Task Canary_ByHeaderThenCookieThenWeight()
    {
        var ns = await NewNamespaceAsync("ann-canary");
        await cluster.ApplyAsync(ns, Echo("stable") + "\n---\n" + Echo("canary"));
        await cluster.RolledOutAsync(ns, "stable");
        await cluster.RolledOutAsync(ns, "canary");
        var host = EdgeCluster.UniqueHost("canary");
        await cluster.ApplyAsync(ns, AnnotatedIngress("main", host, new() { ["use-regex"] = "false" }, service: "stable"));
        await cluster.ApplyAsync(ns, AnnotatedIngress("canary", host, new()
        {
            ["canary"] = "true", ["canary-by-header"] = "X-Canary", ["canary-by-cookie"] = "canary", ["canary-weight"] = "0",
        }, service: "canary"));
        var address = await cluster.AddressAsync(ns, "main");

        async Task<string?> Served(params string[] args) =>
            (string?)Body(await CurlStatusAsync("200", [.. args, "-H", $"Host: {host}", $"http://{address}/"]))["service"];
        await Eventually.ValueAsync(() => Served("-H", "X-Canary: always"), s => s == "canary", "the canary Ingress attached");
        Assert.Equal("stable", await Served());                                                // weight 0
        Assert.Equal("canary", await Served("-b", "canary=always"));
        Assert.Equal("stable", await Served("-H", "X-Canary: never", "-b", "canary=always"));   // header before cookie
        Assert.Equal("canary", await Served("-H", "X-Canary: other", "-b", "canary=always"));   // other values fall through

        // Weight 100: everything goes to the canary unless the header says never.
        await cluster.KubectlAsync("annotate", "ingress", "canary", "-n", ns, "--overwrite", P + "canary-weight=100");
        await Eventually.ValueAsync(() => Served(), s => s == "canary", "canary-weight 100");
        Assert.Equal("stable", await Served("-H", "X-Canary: never"));
    }

    [Fact]
    public async Task AffinityCookie_PinsAClientToOnePod()
    {
        var ns = await NewNamespaceAsync("ann-sticky");
        await cluster.ApplyAsync(ns, Echo("echo", replicas: 3));
        await cluster.RolledOutAsync(ns, "echo");
        var host = EdgeCluster.UniqueHost("sticky");
        await cluster.ApplyAsync(ns, AnnotatedIngress("sticky", host, new()
        {
            ["affinity"] = "cookie", ["session-cookie-max-age"] = "172800", ["session-cookie-samesite"] = "Lax",
            ["upstream-vhost"] = "internal.example",
        }));
        var address = await cluster.AddressAsync(ns, "sticky");

        var first = await CurlStatusAsync("200", "-H", $"Host: {host}", $"http://{address}/");
        var setCookie = System.Text.RegularExpressions.Regex.Match(first.Stdout, @"(?im)^set-cookie: (INGRESSCOOKIE=[0-9a-f]+); Path=/; Max-Age=172800; SameSite=Lax; HttpOnly\r?$");
        Assert.True(setCookie.Success, first.Stdout);
        Assert.Equal("internal.example", (string?)Body(first)["host"]); // upstream-vhost
        var pod = (string?)Body(first)["pod"];
        for (var i = 0; i < 12; i++)
        {
            var again = await CurlStatusAsync("200", "-b", setCookie.Groups[1].Value, "-H", $"Host: {host}", $"http://{address}/");
            Assert.Equal(pod, (string?)Body(again)["pod"]);
            Assert.DoesNotMatch("(?im)^set-cookie:", again.Stdout);
        }
        // Without the cookie, the three Pods share the requests.
        var pods = new HashSet<string?>();
        for (var i = 0; i < 30; i++) pods.Add((string?)Body(await CurlStatusAsync("200", "-H", $"Host: {host}", $"http://{address}/"))["pod"]);
        Assert.Equal(3, pods.Count);
    }

    [Fact]
    public async Task LimitRps_BurstThen503()
    {
        var (ns, _) = await EchoNamespaceAsync("ann-limit");
        var host = EdgeCluster.UniqueHost("limited");
        await cluster.ApplyAsync(ns, AnnotatedIngress("limited", host, new() { ["limit-rps"] = "1" }));
        var address = await cluster.AddressAsync(ns, "limited");
        await CurlStatusAsync("200", "-H", $"Host: {host}", $"http://{address}/");
        await Task.Delay(6000); // the burst bucket drains at 1 request/s
        // One curl, twelve requests back to back: the first and a burst of 5 pass (per edge Pod), then 503.
        var urls = Enumerable.Repeat(new[] { "-o", "/dev/null", $"http://{address}/" }, 12).SelectMany(u => u).ToArray();
        var many = await EdgeCluster.CurlAsync(["-s", "-w", "%{http_code}\n", "-H", $"Host: {host}", .. urls]);
        var codes = many.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, codes.Length);
        Assert.Contains("503", codes);
        Assert.InRange(codes.Count(c => c == "200"), 6, 7);
    }

    /// <summary>An nginx Pod that serves only HTTPS on 443 with a self-signed certificate (answering its protocol).</summary>
    const string TlsNginx = """
        apiVersion: v1
        kind: ConfigMap
        metadata: { name: tls-conf }
        data:
          default.conf: |
            server {
              listen 443 ssl;
              ssl_certificate /certs/tls.crt;
              ssl_certificate_key /certs/tls.key;
              location / { return 200 "tls-backend $ssl_protocol $scheme\n"; }
            }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: tls-nginx }
        spec:
          replicas: 1
          selector: { matchLabels: { app: tls-nginx } }
          template:
            metadata: { labels: { app: tls-nginx } }
            spec:
              containers:
                - name: nginx
                  image: nginx:1.27
                  ports: [{ containerPort: 443 }]
                  volumeMounts:
                    - { name: conf, mountPath: /etc/nginx/conf.d }
                    - { name: certs, mountPath: /certs }
                  readinessProbe: { tcpSocket: { port: 443 }, periodSeconds: 1 }
              volumes:
                - { name: conf, configMap: { name: tls-conf } }
                - { name: certs, secret: { secretName: backend-tls } }
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: tls-nginx }
        spec:
          selector: { app: tls-nginx }
          ports: [{ port: 80, targetPort: 443 }]
        """;

    [Fact]
    public async Task BackendProtocolHttps_TlsToTheBackend()
    {
        var ns = await NewNamespaceAsync("ann-https");
        await ConformanceSuite.SelfSignedSecretAsync(cluster, ns, "backend-tls", "tls-nginx.local");
        await cluster.ApplyAsync(ns, TlsNginx);
        await cluster.RolledOutAsync(ns, "tls-nginx");
        var plain = EdgeCluster.UniqueHost("plain");
        var https = EdgeCluster.UniqueHost("https");
        await cluster.ApplyAsync(ns, AnnotatedIngress("plain", plain, new() { ["backend-protocol"] = "HTTP" }, service: "tls-nginx"));
        await cluster.ApplyAsync(ns, AnnotatedIngress("https", https, new() { ["backend-protocol"] = "HTTPS" }, service: "tls-nginx"));
        var address = await cluster.AddressAsync(ns, "https");

        var answer = await CurlStatusAsync("200", "-H", $"Host: {https}", $"http://{address}/");
        Assert.Matches(@"tls-backend TLSv1\.[23] https", answer.Stdout);
        // Cleartext HTTP to a TLS port: nginx answers 400 ("plain HTTP request was sent to HTTPS port").
        await CurlStatusAsync("400", "-H", $"Host: {plain}", $"http://{address}/");
    }
}
