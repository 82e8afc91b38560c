using System.Text.RegularExpressions;

namespace Podway.E2E;

/// <summary>The seeds' TLS fan-out (001-ingress-store.yaml) with a certificate made by openssl, and what describe shows.</summary>
[Collection("cluster")]
public sealed class EdgeTlsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task SeedIngressStore_WithOpensslSecret_ServesHttpsFanOutAndRedirectsHttp()
    {
        var ns = await cluster.NewNamespaceAsync("edge-tls");
        // The seed verbatim but for its host: shop.example.com may be claimed by the seed in other namespaces.
        var host = EdgeCluster.UniqueHost("shop");
        var seed = (await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "001-ingress-store.yaml"))).Replace("shop.example.com", host);
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("api", 2) + "\n---\n" + EdgeCluster.HostnameBackend("web", 2));

        var dir = Directory.CreateTempSubdirectory("podway-edge-tls-");
        try
        {
            string cert = Path.Combine(dir.FullName, "cert.pem"), key = Path.Combine(dir.FullName, "key.pem");
            var openssl = await Processes.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", key, "-out", cert, "-subj", $"/CN={host}", "-addext", $"subjectAltName=DNS:{host}"]);
            Assert.True(openssl.ExitCode == 0, openssl.ToString());
            var secret = await cluster.KubectlAsync("create", "secret", "tls", "shop-tls", "-n", ns, "--cert", cert, "--key", key);
            Assert.True(secret.ExitCode == 0, secret.ToString());
            await cluster.ApplyAsync(ns, seed);
            await cluster.RolledOutAsync(ns, "api");
            await cluster.RolledOutAsync(ns, "web");
            var ip = await cluster.AddressAsync(ns, "store");
            string[] Https(string path) => ["--resolve", $"{host}:443:{ip}", "--cacert", cert, $"https://{host}{path}"];

            // Verified against the openssl certificate (no -k): the edge picked the Secret by SNI.
            var api = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.StartsWith("api-"), "/api from an api Pod", Https("/api"));
            Assert.StartsWith("api-", api.Stdout);
            var web = await EdgeCluster.CurlAsync(Https("/"));
            Assert.True(web.ExitCode == 0, web.ToString());
            Assert.StartsWith("web-", web.Stdout);

            var redirect = await EdgeCluster.CurlAsync("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                "--resolve", $"{host}:80:{ip}", $"http://{host}/api?x=1");
            Assert.Equal($"308 https://{host}/api?x=1", redirect.Stdout);

            // HTTP/2 by ALPN through the edge, forwarded to an HTTP/1.1 backend.
            var h2 = await EdgeCluster.CurlAsync(["--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", .. Https("/api")]);
            Assert.Equal("2 200", h2.Stdout);

            // describe: rules with backends and their endpoint addresses (from EndpointSlices), TLS, and the Sync event.
            var describe = await cluster.KubectlAsync("describe", "ingress", "store", "-n", ns);
            Assert.True(describe.ExitCode == 0, describe.ToString());
            Assert.Matches($@"Address:\s+{Regex.Escape(ip)}", describe.Stdout);
            Assert.Contains($"shop-tls terminates {host}", describe.Stdout);
            Assert.Matches(@"/api\s+api:80 \(10\.\d+\.\d+\.\d+:9376,10\.\d+\.\d+\.\d+:9376\)", describe.Stdout);
            Assert.Matches(@"/\s+web:80 \(10\.\d+\.\d+\.\d+:9376,10\.\d+\.\d+\.\d+:9376\)", describe.Stdout);
            Assert.Matches(@"Normal\s+Sync\s+.*Scheduled for sync", describe.Stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task MissingSecret_DescribeShowsAWarning_AndTheDefaultCertificateServes()
    {
        var ns = await cluster.NewNamespaceAsync("edge-nosecret");
        var host = EdgeCluster.UniqueHost("nosecret");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 1));
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("broken", host, tlsSecret: "no-such-secret"));
        await cluster.RolledOutAsync(ns, "web");
        var ip = await cluster.AddressAsync(ns, "broken");

        var describe = await Eventually.ValueAsync(async () => (await cluster.KubectlAsync("describe", "ingress", "broken", "-n", ns)).Stdout,
            s => Regex.IsMatch(s, @"Warning\s+\S+\s+.*no-such-secret"), "a Warning event naming the missing Secret");
        Assert.Matches(@"Warning\s+\S+\s+.*no-such-secret", describe);

        // Still served, with the generated default certificate (so -k), as ingress-nginx does.
        var answer = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.StartsWith("web-"), "served with the default certificate",
            "-k", "--resolve", $"{host}:443:{ip}", $"https://{host}/");
        Assert.StartsWith("web-", answer.Stdout);
    }
}
