using Grpc.Core;
using static Podway.E2E.Gateway.GatewayConformance;

namespace Podway.E2E.Gateway;

/// <summary>GRPCRoute as the upstream conformance tests of the same names check it (v1.4.0 conformance/tests/grpcroute-*:
/// their manifests unchanged, their calls and expectations), with real gRPC calls over HTTP/2 through podway's Gateway to
/// echo-basic in gRPC mode, plus each route's status.</summary>
[Collection("cluster")]
public sealed class GrpcRouteTests(ClusterFixture cluster)
{
    static readonly SemaphoreSlim BaseGate = new(1, 1);
    static readonly HashSet<string> BaseReady = [];

    /// <summary>base.yaml, then the gRPC backends (grpc-base.yaml) rolled out, once per cluster.</summary>
    async Task EnsureGrpcBackendsAsync()
    {
        await EnsureBaseAsync(cluster);
        await BaseGate.WaitAsync();
        try
        {
            if (BaseReady.Contains(cluster.Name)) return;
            var apply = await cluster.KubectlAsync("apply", "-f", Manifest("grpc-base"));
            Assert.True(apply.ExitCode == 0, apply.ToString());
            await Task.WhenAll(cluster.RolledOutAsync(Infra, "grpc-infra-backend-v1"), cluster.RolledOutAsync(Infra, "grpc-infra-backend-v2"),
                cluster.RolledOutAsync(Infra, "grpc-infra-backend-v3"));
            BaseReady.Add(cluster.Name);
        }
        finally { BaseGate.Release(); }
    }

    async Task<IAsyncDisposable> ApplyAsync(string manifest)
    {
        await EnsureGrpcBackendsAsync();
        return await ApplyTestAsync(cluster, manifest);
    }

    /// <summary>The GRPCRoute's condition for a parent Gateway (or, in tests with one Gateway, its listener section) as
    /// "Status Reason", once podway wrote it.</summary>
    Task<string> RouteConditionAsync(string route, string gateway, string type, string expected, string? section = null, string ns = Infra,
        string kind = "grpcroute") =>
        Eventually.ValueAsync(
            async () =>
            {
                // kubectl's JSONPath filters take one comparison: the section when there is one (names it in one Gateway).
                var parent = section is null ? $"?(@.parentRef.name==\"{gateway}\")" : $"?(@.parentRef.sectionName==\"{section}\")";
                return (await cluster.KubectlAsync("get", kind, route, "-n", ns, "-o",
                    $"jsonpath={{.status.parents[{parent}].conditions[?(@.type==\"{type}\")].status}} " +
                    $"{{.status.parents[{parent}].conditions[?(@.type==\"{type}\")].reason}} " +
                    $"{{.status.parents[{parent}].controllerName}}")).Stdout.Trim();
            },
            s => s == expected + " podway.io/gateway-controller", $"{kind} {ns}/{route} {type} on {gateway} is \"{expected}\"");

    async Task RouteAcceptedAsync(string route, string gateway, string? section = null)
    {
        await RouteConditionAsync(route, gateway, "Accepted", "True Accepted", section);
        await RouteConditionAsync(route, gateway, "ResolvedRefs", "True ResolvedRefs", section);
    }

    /// <summary>Calls until the answer is what the case expects (routes reach the edge shortly after apply).</summary>
    static Task ExpectAsync(string address, GrpcCase c) =>
        Eventually.ValueAsync(() => CheckAsync(address, c), r => r == "ok", $"{c}", seconds: 60);

    static Task ExpectAllAsync(string address, params GrpcCase[] cases) => Task.WhenAll(cases.Select(c => ExpectAsync(address, c)));

    static async Task<string> CheckAsync(string address, GrpcCase c)
    {
        using var client = new GrpcEchoClient(address, c.Authority);
        try
        {
            var echo = await client.CallAsync(c.Method, c.Metadata);
            if (c.Backend is null) return $"answered by pod {echo.Pod}, want status {c.Code}";
            if (!echo.Pod.StartsWith(c.Backend + "-", StringComparison.Ordinal)) return $"answered by pod {echo.Pod}, want {c.Backend}";
            if (echo.Namespace != Infra) return $"namespace {echo.Namespace}, want {Infra}";
            if (echo.FullyQualifiedMethod != $"/{GrpcEchoClient.Service}/{c.Method}") return $"backend saw method {echo.FullyQualifiedMethod}";
            foreach (var (name, value) in c.Metadata)
                if (!echo.Headers.Contains(new(name.ToLowerInvariant(), value))) return $"backend did not see {name}: {value}";
            return "ok";
        }
        catch (RpcException e)
        {
            return c.Backend is null && e.StatusCode == c.Code ? "ok" : $"status {e.StatusCode} ({e.Status.Detail})";
        }
    }

    [Fact]
    public async Task GRPCExactMethodMatching_EachMethodToItsBackendAndUnmatchedIsUnimplemented()
    {
        await using var _ = await ApplyAsync("grpcroute-exact-method-matching");
        await RouteAcceptedAsync("exact-matching", "same-namespace");
        await ExpectAllAsync(await AddressAsync(cluster, "same-namespace"),
            new GrpcCase("Echo", "grpc-infra-backend-v1"),
            new GrpcCase("EchoTwo", "grpc-infra-backend-v2"),
            new GrpcCase("EchoThree", null, StatusCode.Unimplemented));
    }

    [Fact]
    public async Task GRPCRouteHeaderMatching_AllHeadersOfAMatchAndAnyMatchOfARule()
    {
        await using var _ = await ApplyAsync("grpcroute-header-matching");
        await RouteAcceptedAsync("grpc-header-matching", "same-namespace");
        await ExpectAllAsync(await AddressAsync(cluster, "same-namespace"),
            new GrpcCase("Echo", "grpc-infra-backend-v1") { Metadata = M("Version", "one") },
            new GrpcCase("Echo", "grpc-infra-backend-v2") { Metadata = M("Version", "two") },
            new GrpcCase("Echo", "grpc-infra-backend-v1") { Metadata = M("Version", "two", "Color", "orange") },
            new GrpcCase("Echo", "grpc-infra-backend-v2") { Metadata = M("Version", "two", "Color", "blue") },
            new GrpcCase("Echo", null, StatusCode.Unimplemented) { Metadata = M("Color", "orange") },
            new GrpcCase("Echo", null, StatusCode.Unimplemented) { Metadata = M("Some-Other-Header", "one") },
            new GrpcCase("Echo", "grpc-infra-backend-v1") { Metadata = M("Color", "blue") },
            new GrpcCase("Echo", "grpc-infra-backend-v1") { Metadata = M("Color", "green") },
            new GrpcCase("Echo", "grpc-infra-backend-v2") { Metadata = M("Color", "red") },
            new GrpcCase("Echo", "grpc-infra-backend-v2") { Metadata = M("Color", "yellow") },
            new GrpcCase("Echo", null, StatusCode.Unimplemented) { Metadata = M("Color", "purple") });
    }

    [Fact]
    public async Task GRPCRouteListenerHostnameMatching_TheListenerOfTheAuthorityPicksTheRoute()
    {
        const string gateway = "grpcroute-listener-hostname-matching";
        await using var _ = await ApplyAsync(gateway);
        await RouteAcceptedAsync("backend-v1", gateway, "listener-1");
        await RouteAcceptedAsync("backend-v2", gateway, "listener-2");
        await RouteAcceptedAsync("backend-v3", gateway, "listener-3");
        await RouteAcceptedAsync("backend-v3", gateway, "listener-4");
        await ExpectAllAsync(await AddressAsync(cluster, gateway),
            new GrpcCase("Echo", "grpc-infra-backend-v1") { Authority = "bar.com" },
            new GrpcCase("Echo", "grpc-infra-backend-v2") { Authority = "foo.bar.com" },
            new GrpcCase("Echo", "grpc-infra-backend-v3") { Authority = "baz.bar.com" },
            new GrpcCase("Echo", "grpc-infra-backend-v3") { Authority = "boo.bar.com" },
            new GrpcCase("Echo", "grpc-infra-backend-v3") { Authority = "multiple.prefixes.bar.com" },
            new GrpcCase("Echo", "grpc-infra-backend-v3") { Authority = "multiple.prefixes.foo.com" },
            new GrpcCase("Echo", null, StatusCode.Unimplemented) { Authority = "foo.com" },
            new GrpcCase("Echo", null, StatusCode.Unimplemented) { Authority = "no.matching.host" });
    }

    /// <summary>podway's own: a GRPCRoute's RequestHeaderModifier (set overwrites, add appends with ",", remove) as the
    /// backend's metadata shows it, and its ResponseHeaderModifier on the call's response headers.</summary>
    [Fact]
    public async Task GRPCRouteHeaderModifiers_ChangeTheCallsAndTheResponsesMetadata()
    {
        await using var _ = await ApplyAsync("grpcroute-header-modifiers");
        await RouteAcceptedAsync("grpc-header-modifiers", "same-namespace");
        var address = await AddressAsync(cluster, "same-namespace");
        var metadata = M("X-Header-Set", "overwrite-me", "X-Header-Add", "original", "X-Header-Remove", "remove-me", "Some-Other-Header", "kept");
        var echo = await Eventually.ValueAsync(async () =>
        {
            using var client = new GrpcEchoClient(address);
            try { return await client.CallAsync("Echo", metadata); }
            catch (RpcException) { return null; }
        }, e => e is not null && e.Headers.Any(h => h.Key == "x-header-set"), "the GRPCRoute with header filters answering", seconds: 60);
        string Seen(string name) => string.Join("|", echo!.Headers.Where(h => h.Key == name).Select(h => h.Value));
        Assert.Equal("set-overwrites-values", Seen("x-header-set"));
        Assert.Equal("original,add-appends-values", Seen("x-header-add"));
        Assert.Equal("", Seen("x-header-remove"));
        Assert.Equal("kept", Seen("some-other-header"));
        Assert.StartsWith("grpc-infra-backend-v1-", echo!.Pod);
        Assert.Contains(KeyValuePair.Create("x-response-add", "from-the-route"), echo.ResponseHeaders);
    }

    /// <summary>upstream GRPCRouteWeight: 70/30/0 over many calls (upstream's tolerance is 5 points around each weight
    /// over 500 calls; here 200 calls and 10 points, since this machine is shared).</summary>
    [Fact]
    public async Task GRPCRouteWeight_CallsSplitByWeight()
    {
        await using var _ = await ApplyAsync("grpcroute-weight");
        await RouteAcceptedAsync("weighted-backends", "same-namespace");
        var address = await AddressAsync(cluster, "same-namespace");
        // Until the route is in place every call is UNIMPLEMENTED; then count.
        await Eventually.ValueAsync(async () =>
        {
            using var probe = new GrpcEchoClient(address);
            try { return (await probe.CallAsync("Echo")).Pod; }
            catch (RpcException e) { return e.StatusCode.ToString(); }
        }, p => p.StartsWith("grpc-infra-backend-", StringComparison.Ordinal), "a weighted GRPCRoute answering", seconds: 60);
        using var client = new GrpcEchoClient(address);
        var counts = new Dictionary<string, int>();
        const int calls = 200;
        for (var i = 0; i < calls; i++)
        {
            var pod = (await client.CallAsync("Echo")).Pod;
            var backend = pod[..pod.IndexOf('-', "grpc-infra-backend-v".Length)];
            counts[backend] = counts.GetValueOrDefault(backend) + 1;
        }
        var shown = string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"));
        Assert.InRange(counts.GetValueOrDefault("grpc-infra-backend-v1"), (int)(calls * 0.6), (int)(calls * 0.8));
        Assert.InRange(counts.GetValueOrDefault("grpc-infra-backend-v2"), (int)(calls * 0.2), (int)(calls * 0.4));
        Assert.True(counts.GetValueOrDefault("grpc-infra-backend-v3") == 0, shown);
    }

    /// <summary>Beyond upstream's tests: gRPC over h2 (ALPN) on an HTTPS listener, a backend in another namespace only
    /// with a ReferenceGrant from GRPCRoute (UNAVAILABLE and RefNotPermitted before it), and a newer HTTPRoute on the
    /// GRPCRoute's hostname refused on that listener.</summary>
    [Fact]
    public async Task HttpsListener_CrossNamespaceBackendWithGrant_AndAnHttpRouteOnTheSameHostnameIsRefused()
    {
        await EnsureGrpcBackendsAsync();
        var ns = await cluster.NewNamespaceAsync("grpc-tls");
        var host = EdgeCluster.UniqueHost("grpc");
        var dir = Directory.CreateTempSubdirectory("podway-grpc-tls-");
        try
        {
            string cert = Path.Combine(dir.FullName, "cert.pem"), key = Path.Combine(dir.FullName, "key.pem");
            var openssl = await Processes.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", key, "-out", cert, "-subj", $"/CN={host}", "-addext", $"subjectAltName=DNS:{host}"]);
            Assert.True(openssl.ExitCode == 0, openssl.ToString());
            var secret = await cluster.KubectlAsync("create", "secret", "tls", "site-tls", "-n", ns, "--cert", cert, "--key", key);
            Assert.True(secret.ExitCode == 0, secret.ToString());
            await cluster.ApplyAsync(ns, $$"""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: { name: grpc-tls }
                spec:
                  gatewayClassName: podway
                  listeners:
                    - { name: https, protocol: HTTPS, port: 443, hostname: {{host}}, tls: { certificateRefs: [{ name: site-tls }] } }
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: { name: echo }
                spec:
                  parentRefs: [{ name: grpc-tls }]
                  hostnames: [{{host}}]
                  rules: [{ backendRefs: [{ name: grpc-infra-backend-v1, namespace: {{Infra}}, port: 8080 }] }]
                """);
            await RouteConditionAsync("echo", "grpc-tls", "ResolvedRefs", "False RefNotPermitted", ns: ns);
            var address = await AddressAsync(cluster, "grpc-tls", ns);
            var refused = new GrpcCase("Echo", null, StatusCode.Unavailable) { Authority = host };
            await Eventually.ValueAsync(() => CheckTlsAsync(address, refused), r => r == "ok", $"{refused} over h2", seconds: 60);

            await cluster.ApplyAsync(Infra, $$"""
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: { name: grpcroutes-of-{{ns}} }
                spec:
                  from: [{ group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: {{ns}} }]
                  to: [{ group: "", kind: Service, name: grpc-infra-backend-v1 }]
                """);
            try
            {
                await RouteConditionAsync("echo", "grpc-tls", "ResolvedRefs", "True ResolvedRefs", ns: ns);
                var served = new GrpcCase("Echo", "grpc-infra-backend-v1") { Authority = host };
                await Eventually.ValueAsync(() => CheckTlsAsync(address, served), r => r == "ok", $"{served} over h2", seconds: 60);

                await cluster.ApplyAsync(ns, $$"""
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: { name: late-web }
                    spec:
                      parentRefs: [{ name: grpc-tls }]
                      hostnames: [{{host}}]
                      rules: [{ backendRefs: [{ name: grpc-infra-backend-v1, namespace: {{Infra}}, port: 8080 }] }]
                    """);
                await RouteConditionAsync("late-web", "grpc-tls", "Accepted", "False NotAllowedByListeners", ns: ns, kind: "httproute");
                Assert.Equal("ok", await CheckTlsAsync(address, served)); // the GRPCRoute keeps the hostname
            }
            finally
            {
                await cluster.KubectlAsync("delete", "referencegrant", $"grpcroutes-of-{ns}", "-n", Infra, "--ignore-not-found");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    static async Task<string> CheckTlsAsync(string address, GrpcCase c)
    {
        using var client = new GrpcEchoClient(address, c.Authority, port: 443, tls: true);
        try
        {
            var echo = await client.CallAsync(c.Method, c.Metadata);
            return c.Backend is not null && echo.Pod.StartsWith(c.Backend + "-", StringComparison.Ordinal) ? "ok" : $"answered by pod {echo.Pod}";
        }
        catch (RpcException e)
        {
            return c.Backend is null && e.StatusCode == c.Code ? "ok" : $"status {e.StatusCode} ({e.Status.Detail})";
        }
    }

    static Dictionary<string, string> M(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], i => pairs[2 * i + 1]);
}

/// <summary>One call and what must come back (upstream's grpc.ExpectedResponse): <see cref="Backend"/> the Deployment whose
/// Pod must answer, or null for a call that must fail with <see cref="Code"/>.</summary>
internal sealed record GrpcCase(string Method, string? Backend, StatusCode Code = StatusCode.OK)
{
    public string? Authority { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];

    public override string ToString() =>
        $"{Method} {Authority ?? "(gateway address)"} {string.Join(",", Metadata.Select(m => $"{m.Key}={m.Value}"))}: want {Backend ?? Code.ToString()}";
}
