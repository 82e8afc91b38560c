namespace Podway.E2E.Ingress;

/// <summary>
/// The scenarios of the upstream ingress conformance suite (conformance/features/*.feature, one test per feature; the
/// Background once per feature, then every scenario, each failure named), against podway's edge with the suite's own
/// manifests and echoserver image.
/// </summary>
[Collection("cluster")]
public sealed class IngressConformanceTests(ClusterFixture cluster) : OwnNamespaces(cluster)
{
    /// <summary>Each scenario's outcome; the test fails with all of the failed ones listed.</summary>
    sealed class Scenarios
    {
        readonly List<string> _failures = [];
        int _count;

        public async Task RunAsync(string name, Func<Task> scenario)
        {
            _count++;
            try { await scenario(); }
            catch (Exception e) { _failures.Add($"{name}: {e.Message}"); }
        }

        public void AssertAllPassed() =>
            Assert.True(_failures.Count == 0, $"{_failures.Count} of {_count} scenarios failed:\n" + string.Join("\n", _failures));
    }

    async Task<(string Ns, string Address)> BackgroundAsync(string prefix, string ingressYaml, string ingressName)
    {
        var ns = await NewNamespaceAsync(prefix);
        await ConformanceSuite.DeployBackendsAsync(cluster, ns, ingressYaml);
        await cluster.ApplyAsync(ns, ingressYaml);
        return (ns, await cluster.AddressAsync(ns, ingressName));
    }

    /// <summary>Routes reach the edge Pods shortly after the address is written: wait for the first scenario's answer.</summary>
    static Task WarmAsync(string address, string host, string path, int status) =>
        Eventually.ValueAsync(async () =>
        {
            try { return (await ConformanceSuite.RoundTripAsync("GET", "http", host, path, address)).Status; }
            catch (HttpRequestException) { return 0; }
        }, s => s == status, $"{host}/{path} answers {status}");

    static void ServedBy(ConformanceSuite.Captured r, string service) =>
        Assert.True((string?)r.Request?["service"] == service, $"expected to be served by {service}, was {r.Request?["service"]} (status {r.Status})");

    [Fact]
    public async Task DefaultBackend_Feature()
    {
        var ingress = ConformanceSuite.IngressFromSpec("default-backend", ConformanceSuite.DocStrings("default_backend")[0]);
        var (_, address) = await BackgroundAsync("conf-default", ingress, "default-backend");
        await WarmAsync(address, "my-host", "", 200);

        var scenarios = new Scenarios();
        foreach (var (method, host, path) in new[]
                 {
                     ("GET", "my-host", ""), ("GET", "my-host", "sub-path"), ("POST", "some-host", ""), ("PUT", "", "resource"),
                     ("DELETE", "some-host", "resource"), ("PATCH", "my-host", "resource"),
                 })
            await scenarios.RunAsync($"{method} http://{host}/{path}", async () =>
            {
                var r = await ConformanceSuite.RoundTripAsync(method, "http", host, path, address);
                Assert.Equal(200, r.Status);
                ServedBy(r, "echo-service");
                Assert.Equal(new Version(1, 1), r.Proto);
                foreach (var header in new[] { "Content-Length", "Content-Type", "Date", "Server" })
                    Assert.True(r.ResponseHeaders.ContainsKey(header), $"response header {header} missing: {string.Join(", ", r.ResponseHeaders.Keys)}");
                Assert.Equal(method, (string?)r.Request!["method"]);
                Assert.Equal("/" + path, (string?)r.Request["path"]);
                Assert.Equal("HTTP/1.1", (string?)r.Request["proto"]);
                Assert.Equal("Go-http-client/1.1", (string?)r.Request["headers"]!["User-Agent"]![0]);
            });
        scenarios.AssertAllPassed();
    }

    [Fact]
    public async Task HostRules_Feature()
    {
        var ingress = ConformanceSuite.DocStrings("host_rules")[0];
        var ns = await NewNamespaceAsync("conf-hosts");
        await ConformanceSuite.SelfSignedSecretAsync(cluster, ns, "conformance-tls", "foo.bar.com");
        await ConformanceSuite.DeployBackendsAsync(cluster, ns, ingress);
        await cluster.ApplyAsync(ns, ingress);
        var address = await cluster.AddressAsync(ns, "host-rules");
        await WarmAsync(address, "bar.foo.com", "", 200);

        var scenarios = new Scenarios();
        await scenarios.RunAsync("TLS traffic to the matching backend", async () =>
        {
            var r = await ConformanceSuite.RoundTripAsync("GET", "https", "foo.bar.com", "", address);
            Assert.Equal("foo.bar.com", r.TlsHostname);
            Assert.Equal(200, r.Status);
            ServedBy(r, "foo-bar-com");
            Assert.Equal("foo.bar.com", (string?)r.Request!["host"]);
        });
        await scenarios.RunAsync("traffic to the matching backend", async () =>
        {
            var r = await ConformanceSuite.RoundTripAsync("GET", "http", "foo.bar.com", "", address);
            Assert.Equal(200, r.Status);
            ServedBy(r, "foo-bar-com");
            Assert.Equal("foo.bar.com", (string?)r.Request!["host"]);
        });
        await scenarios.RunAsync("no route when the hostname does not match", async () =>
            Assert.Equal(404, (await ConformanceSuite.RoundTripAsync("GET", "http", "subdomain.bar.com", "", address)).Status));
        await scenarios.RunAsync("wildcard host rule", async () =>
        {
            var r = await ConformanceSuite.RoundTripAsync("GET", "http", "bar.foo.com", "", address);
            Assert.Equal(200, r.Status);
            ServedBy(r, "wildcard-foo-com");
            Assert.Equal("bar.foo.com", (string?)r.Request!["host"]);
        });
        await scenarios.RunAsync("wildcard does not match more than one label", async () =>
            Assert.Equal(404, (await ConformanceSuite.RoundTripAsync("GET", "http", "baz.bar.foo.com", "", address)).Status));
        await scenarios.RunAsync("wildcard does not match no label", async () =>
            Assert.Equal(404, (await ConformanceSuite.RoundTripAsync("GET", "http", "foo.com", "", address)).Status));
        scenarios.AssertAllPassed();
    }

    [Fact]
    public async Task IngressClass_Feature()
    {
        var ns = await NewNamespaceAsync("conf-class");
        await cluster.ApplyAsync(ns, ConformanceSuite.DocStrings("ingress_class")[0]);
        // "The Ingress status should not contain the IP address or FQDN": once an Ingress of our class created after it
        // has an address, the status controller has seen both.
        await cluster.ApplyAsync(ns, EdgeCluster.WebIngress("control", EdgeCluster.UniqueHost("control")));
        await cluster.AddressAsync(ns, "control");
        var status = await cluster.KubectlAsync("get", "ingress", "test-ingress-class", "-n", ns, "-o", "jsonpath={.status.loadBalancer.ingress}");
        Assert.Equal("", status.Stdout.Trim());
    }

    [Fact]
    public async Task LoadBalancing_Feature()
    {
        var ingress = ConformanceSuite.IngressFromSpec("load-balancing", ConformanceSuite.DocStrings("load_balancing")[0]);
        var (ns, address) = await BackgroundAsync("conf-lb", ingress, "load-balancing");
        // "The backend deployment echo-service for the ingress resource is scaled to 10"
        var scale = await cluster.KubectlAsync("scale", "deployment", "load-balancing-echo-service", "-n", ns, "--replicas=10");
        Assert.True(scale.ExitCode == 0, scale.ToString());
        await cluster.RolledOutAsync(ns, "load-balancing-echo-service");
        await WarmAsync(address, "load-balancing", "", 200);
        var pods = await Eventually.ValueAsync(async () =>
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 100; i++)
            {
                var r = await ConformanceSuite.RoundTripAsync("GET", "http", "load-balancing", "", address);
                Assert.Equal(200, r.Status);
                seen.Add((string?)r.Request?["pod"] ?? "");
            }
            return seen;
        }, seen => seen.Count == 10, "100 requests reach 10 different Pods");
        Assert.Equal(10, pods.Count);
    }

    [Fact]
    public async Task PathRules_Feature()
    {
        var ingress = ConformanceSuite.DocStrings("path_rules")[0];
        var (_, address) = await BackgroundAsync("conf-paths", ingress, "path-rules");
        await WarmAsync(address, "exact-path-rules", "foo", 200);

        var scenarios = new Scenarios();
        // (host, path, status, service): the feature's scenarios in order.
        foreach (var (host, path, status, service) in new (string, string, int, string?)[]
                 {
                     ("exact-path-rules", "/foo", 200, "foo-exact"),
                     ("exact-path-rules", "/foo/", 404, null),
                     ("exact-path-rules", "/FOO", 404, null),
                     ("exact-path-rules", "/bar", 404, null),
                     ("prefix-path-rules", "/foo", 200, "foo-prefix"),
                     ("prefix-path-rules", "/foo/", 200, "foo-prefix"),
                     ("prefix-path-rules", "/FOO", 404, null),
                     ("prefix-path-rules", "/aaa/bbb", 200, "aaa-slash-bbb-prefix"),
                     ("prefix-path-rules", "/aaa/bbb/ccc", 200, "aaa-slash-bbb-prefix"),
                     ("prefix-path-rules", "/aaa/ccc", 200, "aaa-prefix"),
                     ("prefix-path-rules", "/aaaccc", 404, null),
                     ("mixed-path-rules", "/foo", 200, "foo-exact"),
                     ("trailing-slash-path-rules", "/aaa/bbb", 200, "aaa-slash-bbb-slash-prefix"),
                     ("trailing-slash-path-rules", "/aaa/bbb/", 200, "aaa-slash-bbb-slash-prefix"),
                     ("trailing-slash-path-rules", "/foo", 404, null),
                 })
            await scenarios.RunAsync($"GET http://{host}{path}", async () =>
            {
                var r = await ConformanceSuite.RoundTripAsync("GET", "http", host, path, address);
                Assert.Equal(status, r.Status);
                if (service is not null) ServedBy(r, service);
            });
        scenarios.AssertAllPassed();
    }
}
