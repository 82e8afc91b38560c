using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Podway.E2E.Gateway;

/// <summary>
/// The experimental L4 routes through real Gateways of class podway, as a user checks them: TLSRoute passthrough
/// (the upstream conformance tests TLSRouteSimpleSameNamespace and TLSRouteInvalidReferenceGrant with their own
/// manifests, and hostname intersection), TCPRoute and UDPRoute; curl/openssl through the Gateway's address and the
/// status conditions kubectl shows.
/// </summary>
[Collection("cluster")]
public sealed class L4RouteTests(ClusterFixture cluster)
{
    const string AppBackend = "gateway-conformance-app-backend";

    /// <summary>A route's condition on its parent Gateway as "Status Reason", once podway wrote it.</summary>
    Task<string> RouteConditionAsync(string kind, string route, string ns, string gateway, string type, string expected) =>
        Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", kind, route, "-n", ns, "-o",
                $"jsonpath={{.status.parents[?(@.parentRef.name==\"{gateway}\")].conditions[?(@.type==\"{type}\")].status}} " +
                $"{{.status.parents[?(@.parentRef.name==\"{gateway}\")].conditions[?(@.type==\"{type}\")].reason}}")).Stdout.Trim(),
            s => s == expected, $"{kind} {ns}/{route} {type} on {gateway} is \"{expected}\"");

    Task<string> ListenerAsync(string gateway, string ns, string listener, string expected) =>
        Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", "gateway", gateway, "-n", ns, "-o",
                $"jsonpath={{.status.listeners[?(@.name==\"{listener}\")].attachedRoutes}} {{.status.listeners[?(@.name==\"{listener}\")].supportedKinds[*].kind}}")).Stdout.Trim(),
            s => s == expected, $"gateway {ns}/{gateway} listener {listener} shows \"{expected}\"");

    /// <summary>A self-signed certificate (PEM files in <paramref name="dir"/>) for the names, as a kubernetes.io/tls
    /// Secret in each namespace (replaced if a previous run left one).</summary>
    async Task<string> TlsSecretAsync(DirectoryInfo dir, string name, string[] namespaces, params string[] hosts)
    {
        string cert = Path.Combine(dir.FullName, name + ".crt"), key = Path.Combine(dir.FullName, name + ".key");
        var openssl = await Processes.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", key, "-out", cert, "-subj", $"/CN={hosts[0]}", "-addext", "subjectAltName=" + string.Join(",", hosts.Select(h => "DNS:" + h))]);
        Assert.True(openssl.ExitCode == 0, openssl.ToString());
        foreach (var ns in namespaces)
        {
            await cluster.KubectlAsync("delete", "secret", name, "-n", ns, "--ignore-not-found");
            var secret = await cluster.KubectlAsync("create", "secret", "tls", name, "-n", ns, "--cert", cert, "--key", key);
            Assert.True(secret.ExitCode == 0, secret.ToString());
        }
        return cert;
    }

    static readonly SemaphoreSlim TlsBackendGate = new(1, 1);
    static readonly Dictionary<string, (string Infra, string AppBackend)> TlsBackendCerts = [];

    /// <summary>The tls-backend Deployments of the upstream base manifests with their Secrets, once per cluster (as the
    /// base manifests are: echo-basic reads its certificate at start, so a replaced Secret would not be served);
    /// returns the paths of the infra and app-backend tls-backends' certificates (PEM) in <paramref name="dir"/>.</summary>
    async Task<(string Infra, string AppBackend)> TlsBackendsAsync(DirectoryInfo dir)
    {
        var paths = (Path.Combine(dir.FullName, "tls-backend-infra.crt"), Path.Combine(dir.FullName, "tls-backend-app.crt"));
        await TlsBackendGate.WaitAsync();
        try
        {
            if (!TlsBackendCerts.TryGetValue(cluster.Name, out var pems))
            {
                await GatewayConformance.EnsureBaseAsync(cluster);
                var infra = await TlsSecretAsync(dir, "tls-checks-certificate", [GatewayConformance.Infra], "abc.example.com");
                var app = await TlsSecretAsync(dir, "tls-passthrough-checks-certificate", [AppBackend], "abc.example.com");
                var apply = await cluster.KubectlAsync("apply", "-f", GatewayConformance.Manifest("tls-backend"));
                Assert.True(apply.ExitCode == 0, apply.ToString());
                await Task.WhenAll(cluster.RolledOutAsync(GatewayConformance.Infra, "tls-backend"), cluster.RolledOutAsync(AppBackend, "tls-backend"));
                TlsBackendCerts[cluster.Name] = pems = (await File.ReadAllTextAsync(infra), await File.ReadAllTextAsync(app));
            }
            await File.WriteAllTextAsync(paths.Item1, pems.Infra);
            await File.WriteAllTextAsync(paths.Item2, pems.AppBackend);
            return paths;
        }
        finally { TlsBackendGate.Release(); }
    }

    /// <summary>echo-basic's answer over TLS through the Gateway: curl verifies the certificate against
    /// <paramref name="cert"/> (so the backend's own certificate was served) and the JSON names the Pod.</summary>
    static async Task<JsonElement> TlsEchoAsync(string host, string address, string cert, string expectedPod)
    {
        var answer = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.Contains($"\"pod\": \"{expectedPod}-"), $"https://{host} reaches {expectedPod}",
            "--resolve", $"{host}:443:{address}", "--cacert", cert, $"https://{host}/");
        return JsonDocument.Parse(answer.Stdout).RootElement;
    }

    [Fact]
    public async Task TlsRouteSimpleSameNamespace_PassesTheConnectionThroughToTheBackendsCertificate()
    {
        var dir = Directory.CreateTempSubdirectory("podway-tlsroute-");
        try
        {
            var (cert, _) = await TlsBackendsAsync(dir);
            await using var _ = await GatewayConformance.ApplyTestAsync(cluster, "tlsroute-simple-same-namespace");
            var address = await GatewayConformance.AddressAsync(cluster, "gateway-tlsroute");
            await RouteConditionAsync("tlsroute", "gateway-conformance-infra-test", GatewayConformance.Infra, "gateway-tlsroute", "Accepted", "True Accepted");
            await RouteConditionAsync("tlsroute", "gateway-conformance-infra-test", GatewayConformance.Infra, "gateway-tlsroute", "ResolvedRefs", "True ResolvedRefs");
            await ListenerAsync("gateway-tlsroute", GatewayConformance.Infra, "https", "1 TLSRoute");

            var echo = await TlsEchoAsync("abc.example.com", address, cert, "tls-backend");
            Assert.Equal(GatewayConformance.Infra, echo.GetProperty("namespace").GetString());
            Assert.Equal("abc.example.com", echo.GetProperty("tls").GetProperty("serverName").GetString()); // the backend terminated TLS

            // openssl shows the backend's certificate (not the edge's default one).
            var sClient = await Processes.RunAsync("openssl", ["s_client", "-connect", $"{address}:443", "-servername", "abc.example.com", "-brief"], stdin: "");
            Assert.Matches("CN ?= ?abc.example.com", sClient.Output);
            Assert.DoesNotContain("Kubernetes Ingress Controller Fake Certificate", sClient.Output);

            // A name the listener takes but no route names, and a ClientHello without SNI: the connection is closed.
            var other = await EdgeCluster.CurlAsync("-k", "--resolve", $"xyz.example.com:443:{address}", "https://xyz.example.com/");
            Assert.NotEqual(0, other.ExitCode);
            var noSni = await EdgeCluster.CurlAsync("-k", $"https://{address}/");
            Assert.NotEqual(0, noSni.ExitCode);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task TlsRouteInvalidReferenceGrant_IsRefNotPermittedAndServesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("podway-tlsroute-");
        try
        {
            await TlsBackendsAsync(dir);
            await using var _ = await GatewayConformance.ApplyTestAsync(cluster, "tlsroute-invalid-reference-grant");
            var address = await GatewayConformance.AddressAsync(cluster, "gateway-tlsroute-referencegrant");
            await RouteConditionAsync("tlsroute", "gateway-conformance-infra-test", GatewayConformance.Infra, "gateway-tlsroute-referencegrant", "Accepted", "True Accepted");
            await RouteConditionAsync("tlsroute", "gateway-conformance-infra-test", GatewayConformance.Infra, "gateway-tlsroute-referencegrant", "ResolvedRefs", "False RefNotPermitted");
            var refused = await EdgeCluster.CurlAsync("-k", "--resolve", $"abc.example.com:443:{address}", "https://abc.example.com/");
            Assert.NotEqual(0, refused.ExitCode);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task TlsRouteCrossNamespace_WithAReferenceGrant_ReachesTheOtherNamespacesBackend()
    {
        var dir = Directory.CreateTempSubdirectory("podway-tlsroute-");
        try
        {
            var (_, appCert) = await TlsBackendsAsync(dir);
            await cluster.ApplyAsync(GatewayConformance.Infra, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: { name: gateway-tlsroute-crossns }
                spec:
                  gatewayClassName: podway
                  listeners:
                    - { name: https, port: 443, protocol: TLS, hostname: "*.example.com", tls: { mode: Passthrough } }
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TLSRoute
                metadata: { name: crossns }
                spec:
                  parentRefs: [{ name: gateway-tlsroute-crossns }]
                  hostnames: [abc.example.com]
                  rules: [{ backendRefs: [{ name: tls-backend, namespace: gateway-conformance-app-backend, port: 443 }] }]
                """);
            var address = await GatewayConformance.AddressAsync(cluster, "gateway-tlsroute-crossns");
            await RouteConditionAsync("tlsroute", "crossns", GatewayConformance.Infra, "gateway-tlsroute-crossns", "ResolvedRefs", "False RefNotPermitted");
            await cluster.ApplyAsync(AppBackend, """
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: { name: tlsroutes-from-infra }
                spec:
                  from: [{ group: gateway.networking.k8s.io, kind: TLSRoute, namespace: gateway-conformance-infra }]
                  to: [{ group: "", kind: Service, name: tls-backend }]
                """);
            await RouteConditionAsync("tlsroute", "crossns", GatewayConformance.Infra, "gateway-tlsroute-crossns", "ResolvedRefs", "True ResolvedRefs");
            // The app-backend tls-backend's own certificate (another Secret than the infra one) verifies.
            var echo = await TlsEchoAsync("abc.example.com", address, appCert, "tls-backend");
            Assert.Equal(AppBackend, echo.GetProperty("namespace").GetString());
        }
        finally
        {
            await cluster.KubectlAsync("delete", "gateway", "gateway-tlsroute-crossns", "-n", GatewayConformance.Infra, "--ignore-not-found");
            await cluster.KubectlAsync("delete", "tlsroute", "crossns", "-n", GatewayConformance.Infra, "--ignore-not-found");
            await cluster.KubectlAsync("delete", "referencegrant", "tlsroutes-from-infra", "-n", AppBackend, "--ignore-not-found");
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TlsRouteHostnames_IntersectWithTheListener_TheMostSpecificWins()
    {
        var ns = await cluster.NewNamespaceAsync("tlsroute-hosts");
        var dir = Directory.CreateTempSubdirectory("podway-tlsroute-");
        try
        {
            var cert = await TlsSecretAsync(dir, "wild", [ns], "abc.example.com", "*.example.com", "a.b.example.com");
            string Backend(string name) => $$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: {{name}} }
                spec:
                  selector: { matchLabels: { app: {{name}} } }
                  template:
                    metadata: { labels: { app: {{name}} } }
                    spec:
                      containers:
                        - name: echo
                          image: gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd
                          env:
                            - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
                            - { name: NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }
                            - { name: TLS_SERVER_CERT, value: /etc/tls/tls.crt }
                            - { name: TLS_SERVER_PRIVKEY, value: /etc/tls/tls.key }
                          volumeMounts: [{ name: tls, mountPath: /etc/tls }]
                      volumes: [{ name: tls, secret: { secretName: wild } }]
                ---
                apiVersion: v1
                kind: Service
                metadata: { name: {{name}} }
                spec:
                  selector: { app: {{name}} }
                  ports: [{ port: 443, targetPort: 8443 }]
                ---

                """;
            await cluster.ApplyAsync(ns, Backend("exact") + Backend("wild") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: { name: tls }
                spec:
                  gatewayClassName: podway
                  listeners:
                    - { name: tls, port: 443, protocol: TLS, hostname: "*.example.com", tls: { mode: Passthrough } }
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TLSRoute
                metadata: { name: exact }
                spec:
                  parentRefs: [{ name: tls }]
                  hostnames: [abc.example.com]
                  rules: [{ backendRefs: [{ name: exact, port: 443 }] }]
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TLSRoute
                metadata: { name: wild }
                spec:
                  parentRefs: [{ name: tls }]
                  hostnames: ["*.example.com"]
                  rules: [{ backendRefs: [{ name: wild, port: 443 }] }]
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TLSRoute
                metadata: { name: outside }
                spec:
                  parentRefs: [{ name: tls }]
                  hostnames: [abc.example.net]
                  rules: [{ backendRefs: [{ name: wild, port: 443 }] }]
                """);
            await Task.WhenAll(cluster.RolledOutAsync(ns, "exact"), cluster.RolledOutAsync(ns, "wild"));
            var address = await GatewayConformance.AddressAsync(cluster, "tls", ns);
            await RouteConditionAsync("tlsroute", "outside", ns, "tls", "Accepted", "False NoMatchingListenerHostname");
            await ListenerAsync("tls", ns, "tls", "2 TLSRoute");

            await TlsEchoAsync("abc.example.com", address, cert, "exact");
            await TlsEchoAsync("xyz.example.com", address, cert, "wild");
            await TlsEchoAsync("a.b.example.com", address, cert, "wild"); // a listener wildcard takes any number of labels
            var outside = await EdgeCluster.CurlAsync("-k", "--resolve", $"abc.example.net:443:{address}", "https://abc.example.net/");
            Assert.NotEqual(0, outside.ExitCode);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task TcpRoute_CarriesTheWholeStreamToItsBackend()
    {
        var ns = await cluster.NewNamespaceAsync("tcproute");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 2) + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: { name: tcp }
            spec:
              gatewayClassName: podway
              listeners:
                - { name: db, port: 5432, protocol: TCP }
            ---
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: TCPRoute
            metadata: { name: web }
            spec:
              parentRefs: [{ name: tcp, sectionName: db }]
              rules: [{ backendRefs: [{ name: web, port: 80 }] }]
            """);
        await cluster.RolledOutAsync(ns, "web");
        var address = await GatewayConformance.AddressAsync(cluster, "tcp", ns);
        await RouteConditionAsync("tcproute", "web", ns, "tcp", "Accepted", "True Accepted");
        await ListenerAsync("tcp", ns, "db", "1 TCPRoute");
        // HTTP over the raw TCP listener: the edge does not read it, the backend answers its Pod name.
        var answer = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.StartsWith("web-"), "tcp listener reaches web", $"http://{address}:5432/");
        Assert.StartsWith("web-", answer.Stdout);
    }

    [Fact]
    public async Task UdpRoute_RelaysDatagramsBothWays()
    {
        var ns = await cluster.NewNamespaceAsync("udproute");
        await cluster.ApplyAsync(ns, """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: udp }
            spec:
              selector: { matchLabels: { app: udp } }
              template:
                metadata: { labels: { app: udp } }
                spec:
                  containers:
                    - name: udp
                      image: registry.k8s.io/e2e-test-images/agnhost:2.47
                      args: ["serve-hostname", "--udp", "--http=false", "--port=9376"]
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: udp }
            spec:
              selector: { app: udp }
              ports: [{ name: dns, port: 53, targetPort: 9376, protocol: UDP }]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: { name: udp }
            spec:
              gatewayClassName: podway
              listeners:
                - { name: dns, port: 5353, protocol: UDP }
            ---
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: UDPRoute
            metadata: { name: udp }
            spec:
              parentRefs: [{ name: udp, port: 5353 }]
              rules: [{ backendRefs: [{ name: udp, port: 53 }] }]
            """);
        await cluster.RolledOutAsync(ns, "udp");
        var address = await GatewayConformance.AddressAsync(cluster, "udp", ns);
        await RouteConditionAsync("udproute", "udp", ns, "udp", "Accepted", "True Accepted");
        await ListenerAsync("udp", ns, "dns", "1 UDPRoute");
        var protocol = await cluster.KubectlAsync("get", "svc", "-n", "ingress-nginx", "-l", "app.kubernetes.io/component=gateway", "-o",
            "jsonpath={range .items[*]}{.spec.ports[?(@.port==5353)].protocol}{end}");
        Assert.Contains("UDP", protocol.Stdout);

        var answer = await Eventually.ValueAsync(async () =>
        {
            using var client = new UdpClient(AddressFamily.InterNetwork);
            client.Connect(IPAddress.Parse(address), 5353);
            await client.SendAsync(Encoding.ASCII.GetBytes("hostname"));
            try { return Encoding.ASCII.GetString((await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(2))).Buffer); }
            catch (Exception e) when (e is TimeoutException or SocketException) { return $"no answer: {e.Message}"; }
        }, a => a.StartsWith("udp-"), "a datagram through the UDP listener is answered by the backend Pod");
        Assert.StartsWith("udp-", answer);
    }
}
