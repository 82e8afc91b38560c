using System.Net;
using System.Text.Json;

namespace Podway.E2E.Gateway;

/// <summary>
/// What the Gateway API tests share, after the upstream conformance suite (kubernetes-sigs/gateway-api v1.4.0,
/// conformance/): its base manifests (Gateways of class podway, echo-basic backends) applied once per cluster, each
/// test's manifest applied for the test and deleted after, and requests checked against what echo-basic says it
/// received, as the suite's roundtripper does.
/// </summary>
internal static class GatewayConformance
{
    public const string Infra = "gateway-conformance-infra";
    static readonly SemaphoreSlim BaseGate = new(1, 1);
    static readonly HashSet<string> BaseReady = [];

    public static string Manifest(string name) => Path.Combine(Paths.RepoRoot, "tests", "Podway.E2E", "Gateway", "conformance", name + ".yaml");

    /// <summary>base.yaml applied and its backends rolled out (once per cluster).</summary>
    public static async Task EnsureBaseAsync(ClusterFixture cluster)
    {
        await BaseGate.WaitAsync();
        try
        {
            if (BaseReady.Contains(cluster.Name)) return;
            var apply = await cluster.KubectlAsync("apply", "-f", Manifest("base"));
            Assert.True(apply.ExitCode == 0, apply.ToString());
            await Task.WhenAll(
                cluster.RolledOutAsync(Infra, "infra-backend-v1"), cluster.RolledOutAsync(Infra, "infra-backend-v2"),
                cluster.RolledOutAsync(Infra, "infra-backend-v3"), cluster.RolledOutAsync("gateway-conformance-web-backend", "web-backend"),
                cluster.RolledOutAsync("gateway-conformance-app-backend", "app-backend-v1"));
            BaseReady.Add(cluster.Name);
        }
        finally { BaseGate.Release(); }
    }

    /// <summary>Applies a test's manifest; disposing deletes it again (tests share the base Gateways, as upstream's do).</summary>
    public static async Task<IAsyncDisposable> ApplyTestAsync(ClusterFixture cluster, string name)
    {
        await EnsureBaseAsync(cluster);
        var apply = await cluster.KubectlAsync("apply", "-f", Manifest(name));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        return new Deletion(cluster, Manifest(name));
    }

    sealed class Deletion(ClusterFixture cluster, string file) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cluster.KubectlAsync("delete", "-f", file, "--ignore-not-found", "--wait=false");
    }

    /// <summary>The Gateway's status.addresses[0].value once it is Programmed.</summary>
    public static Task<string> AddressAsync(ClusterFixture cluster, string name, string ns = Infra) =>
        Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", "gateway", name, "-n", ns, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Programmed\")].status} {.status.addresses[0].value}")).Stdout.Trim(),
            s => s.StartsWith("True "), $"gateway {ns}/{name} programmed with an address").ContinueWith(t => t.Result.Split(' ')[1]);

    /// <summary>The condition <paramref name="type"/> of the route's status.parents entry for <paramref name="gateway"/>,
    /// as "Status Reason", once podway wrote it.</summary>
    public static Task<string> RouteConditionAsync(ClusterFixture cluster, string route, string gateway, string type, string expected, string ns = Infra) =>
        Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", "httproute", route, "-n", ns, "-o",
                $"jsonpath={{.status.parents[?(@.parentRef.name==\"{gateway}\")].conditions[?(@.type==\"{type}\")].status}} " +
                $"{{.status.parents[?(@.parentRef.name==\"{gateway}\")].conditions[?(@.type==\"{type}\")].reason}} " +
                $"{{.status.parents[?(@.parentRef.name==\"{gateway}\")].controllerName}}")).Stdout.Trim(),
            s => s == expected + " podway.io/gateway-controller", $"httproute {ns}/{route} {type} on {gateway} is \"{expected}\"");

    static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Sends the case's request until the answer is what it expects (routes reach the edge shortly after
    /// apply); fails with the last difference.</summary>
    public static Task ExpectAsync(string address, Case c) =>
        Eventually.ValueAsync(() => CheckAsync(address, c), r => r == "ok", $"{c.Method} {c.Host ?? address}{c.Path}: {c}", seconds: 60);

    /// <summary>All cases at once (they only read).</summary>
    public static Task ExpectAllAsync(string address, params Case[] cases) => Task.WhenAll(cases.Select(c => ExpectAsync(address, c)));

    static async Task<string> CheckAsync(string address, Case c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), $"http://{address}{c.Path}");
        if (c.Host is not null) request.Headers.Host = c.Host;
        foreach (var (name, value) in c.Headers) request.Headers.TryAddWithoutValidation(name, value);
        HttpResponseMessage response;
        try { response = await Client.SendAsync(request); }
        catch (Exception e) { return $"request failed: {e.Message}"; }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != c.Status) return $"status {(int)response.StatusCode}, want {c.Status}; body {body}";
            if (c.Location is not null && response.Headers.Location?.OriginalString != c.Location)
                return $"Location {response.Headers.Location}, want {c.Location}";
            foreach (var (name, value) in c.ResponseHeaders)
            {
                var actual = response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v) ? string.Join(",", v) : null;
                if (actual != value) return $"response header {name}: {actual ?? "(absent)"}, want {value}";
            }
            foreach (var name in c.AbsentResponseHeaders)
                if (response.Headers.Contains(name)) return $"response header {name} present, want absent";
            if (c.Backend is null) return "ok";
            JsonElement echo;
            try { echo = JsonDocument.Parse(body).RootElement; }
            catch (JsonException) { return $"not echo-basic's JSON: {body}"; }
            var pod = echo.GetProperty("pod").GetString() ?? "";
            if (!pod.StartsWith(c.Backend + "-", StringComparison.Ordinal)) return $"answered by pod {pod}, want {c.Backend}";
            if (echo.GetProperty("namespace").GetString() != c.Namespace) return $"namespace {echo.GetProperty("namespace")}, want {c.Namespace}";
            var seenPath = echo.GetProperty("path").GetString();
            if (seenPath != (c.BackendPath ?? c.Path)) return $"backend saw path {seenPath}, want {c.BackendPath ?? c.Path}";
            if (c.BackendHost is not null && echo.GetProperty("host").GetString() != c.BackendHost)
                return $"backend saw host {echo.GetProperty("host")}, want {c.BackendHost}";
            var headers = echo.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => string.Join(",", p.Value.EnumerateArray().Select(v => v.GetString())), StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in c.BackendHeaders)
                if (headers.GetValueOrDefault(name) != value) return $"backend saw {name}: {headers.GetValueOrDefault(name) ?? "(absent)"}, want {value}";
            foreach (var name in c.AbsentBackendHeaders)
                if (headers.ContainsKey(name)) return $"backend saw {name}, want it removed";
            return "ok";
        }
    }
}

/// <summary>One request and what must come back (the upstream suite's ExpectedResponse). <see cref="Backend"/> is the
/// Deployment whose Pod must answer; null checks the status (and headers) only.</summary>
internal sealed record Case(string Path, string? Backend, int Status = 200)
{
    public string Method { get; init; } = "GET";
    public string? Host { get; init; }
    public Dictionary<string, string> Headers { get; init; } = [];
    public string Namespace { get; init; } = GatewayConformance.Infra;
    /// <summary>The path echo-basic must have been sent (default: the request's).</summary>
    public string? BackendPath { get; init; }
    public string? BackendHost { get; init; }
    public Dictionary<string, string> BackendHeaders { get; init; } = [];
    public string[] AbsentBackendHeaders { get; init; } = [];
    public Dictionary<string, string> ResponseHeaders { get; init; } = [];
    public string[] AbsentResponseHeaders { get; init; } = [];
    public string? Location { get; init; }

    public override string ToString() =>
        $"want {Status} from {Backend ?? "-"}{(Headers.Count > 0 ? " headers " + string.Join(",", Headers.Select(h => $"{h.Key}={h.Value}")) : "")}";

    public static Dictionary<string, string> H(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], i => pairs[2 * i + 1]);
}
