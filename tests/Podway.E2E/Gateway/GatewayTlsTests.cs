namespace Podway.E2E.Gateway;

/// <summary>HTTPS listeners: TLS terminated with the certificateRefs' Secret (chosen by SNI among the port's
/// listeners), cross-namespace Secrets only with a ReferenceGrant, and the listener's ResolvedRefs saying so.</summary>
[Collection("cluster")]
public sealed class GatewayTlsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task HttpsListener_ServesItsSecretBySniAndNeedsAGrantForAnotherNamespace()
    {
        var ns = await cluster.NewNamespaceAsync("gw-tls");
        var certs = await cluster.NewNamespaceAsync("gw-certs");
        var host = EdgeCluster.UniqueHost("secure");
        var dir = Directory.CreateTempSubdirectory("podway-gw-tls-");
        try
        {
            string cert = Path.Combine(dir.FullName, "cert.pem"), key = Path.Combine(dir.FullName, "key.pem");
            var openssl = await Processes.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", key, "-out", cert, "-subj", $"/CN={host}", "-addext", $"subjectAltName=DNS:{host}"]);
            Assert.True(openssl.ExitCode == 0, openssl.ToString());
            foreach (var secretNs in new[] { ns, certs })
            {
                var secret = await cluster.KubectlAsync("create", "secret", "tls", "site-tls", "-n", secretNs, "--cert", cert, "--key", key);
                Assert.True(secret.ExitCode == 0, secret.ToString());
            }
            await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 1) + $$"""

                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: { name: tls }
                spec:
                  gatewayClassName: podway
                  listeners:
                    - name: https
                      protocol: HTTPS
                      port: 443
                      hostname: {{host}}
                      tls: { certificateRefs: [{ name: site-tls }] }
                    - name: shared
                      protocol: HTTPS
                      port: 8443
                      tls: { certificateRefs: [{ name: site-tls, namespace: {{certs}} }] }
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: { name: web }
                spec:
                  parentRefs: [{ name: tls }]
                  rules: [{ backendRefs: [{ name: web, port: 80 }] }]
                """);
            await cluster.RolledOutAsync(ns, "web");
            var address = await GatewayConformance.AddressAsync(cluster, "tls", ns);

            // Verified against the openssl certificate (no -k): the listener's Secret was served for the SNI.
            var answer = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.StartsWith("web-"), "https through the Gateway",
                "--resolve", $"{host}:443:{address}", "--cacert", cert, $"https://{host}/");
            Assert.StartsWith("web-", answer.Stdout);

            const string shared = "{.status.listeners[?(@.name==\"shared\")].conditions[?(@.type==\"ResolvedRefs\")].reason}";
            await Eventually.ValueAsync(async () => (await cluster.KubectlAsync("get", "gateway", "tls", "-n", ns, "-o", $"jsonpath={shared}")).Stdout.Trim(),
                r => r == "RefNotPermitted", "the cross-namespace Secret is refused without a ReferenceGrant");
            await cluster.ApplyAsync(certs, $$"""
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: { name: gateways-of-{{ns}} }
                spec:
                  from: [{ group: gateway.networking.k8s.io, kind: Gateway, namespace: {{ns}} }]
                  to: [{ group: "", kind: Secret, name: site-tls }]
                """);
            await Eventually.ValueAsync(async () => (await cluster.KubectlAsync("get", "gateway", "tls", "-n", ns, "-o", $"jsonpath={shared}")).Stdout.Trim(),
                r => r == "ResolvedRefs", "the grant lets the listener use the Secret");
            var viaGrant = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.StartsWith("web-"), "https on the granted listener",
                "--resolve", $"{host}:8443:{address}", "--cacert", cert, $"https://{host}:8443/");
            Assert.StartsWith("web-", viaGrant.Stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
