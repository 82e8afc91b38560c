using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Node.Streaming;
using Podway.Storage;

namespace Podway.ApiServer.Tests.Proxy;

/// <summary>
/// A real API server (HTTPS, in process) and a real KubeletServer on loopback backed by host processes, plus a
/// kubeconfig for the machine's kubectl. Node "node-1" points at the kubelet; Pods are created Running on it.
/// </summary>
public sealed class StreamingCluster : IAsyncLifetime
{
    public const string Token = "streaming-test-token";
    readonly Podway.TestSupport.KubeletTestPki _pki = new();
    public const string NodeName = "node-1";
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("podway-streaming-");
    IObjectStore _store = null!;
    ApiServerHost _api = null!;
    KubeletServer _kubelet = null!;
    internal HostContainerStreams Runtime { get; } = new();
    public HttpClient Http { get; private set; } = null!;
    public string Kubeconfig => Path.Combine(_dir.FullName, "kubeconfig");
    public int ApiPort { get; private set; }

    public async Task InitializeAsync()
    {
        ApiPort = FreePort();
        var options = new ApiServerOptions
        {
            ClusterName = "stream",
            DataDir = _dir.FullName,
            Port = ApiPort,
            AdvertiseAddress = IPAddress.Parse("172.31.255.1"),
            ServingCertificate = TestCertificates.SelfSigned(),
            Tokens = new HashSet<string> { Token },
            CertificateAuthority = _pki.Ca,
            KubeletClientCertificate = _pki.ApiServerClient,
        };
        _store = await SqliteObjectStore.OpenAsync(Path.Combine(_dir.FullName, "store.db"), new StoreOptions());
        _api = await ApiServerHost.StartAsync(options, _store);
        _kubelet = await KubeletServer.StartAsync(new KubeletServerOptions
        {
            Address = IPAddress.Loopback, Port = 0, ServingCertificate = _pki.KubeletServing, ClientCertificateAuthority = _pki.Ca,
        }, Runtime);
        Http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{ApiPort}"),
        };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await File.WriteAllTextAsync(Kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: https://127.0.0.1:{ApiPort}
                insecure-skip-tls-verify: true
            users:
            - name: test
              user:
                token: {Token}
            contexts:
            - name: test
              context:
                cluster: test
                user: test
                namespace: default
            current-context: test
            """);
        await SendAsync(HttpMethod.Post, "/api/v1/nodes", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["metadata"] = new JsonObject { ["name"] = NodeName } });
        await SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{NodeName}/status", new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "127.0.0.1" }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = _kubelet.Port } },
            },
        });
    }

    /// <summary>Creates a Pod bound to the node with Running status and registers its containers with the runtime.</summary>
    internal async Task<HostContainerStreams.TestContainer[]> RunPodAsync(string name, params string[] containers)
    {
        var specContainers = new JsonArray(containers.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["image"] = "busybox" }).ToArray());
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["nodeName"] = NodeName, ["containers"] = specContainers },
        });
        await SetStatusAsync(name, "Running", containers.Select(c => (c, (JsonNode)new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2025-01-01T00:00:00Z" } })).ToArray());
        return containers.Select(c =>
        {
            var logDir = Directory.CreateDirectory(Path.Combine(_dir.FullName, "logs", name, c)).FullName;
            var container = Runtime.Add("default", name, c, logDir);
            File.WriteAllText(container.CurrentLog, "");
            return container;
        }).ToArray();
    }

    internal Task SetStatusAsync(string pod, string phase, params (string Container, JsonNode State)[] states) =>
        SetStatusAsync(pod, phase, states.Select(s => (s.Container, s.State, (JsonNode?)null)).ToArray());

    internal async Task SetStatusAsync(string pod, string phase, (string Container, JsonNode State, JsonNode? LastState)[] states)
    {
        var statuses = new JsonArray(states.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Container, ["image"] = "busybox", ["imageID"] = "", ["ready"] = phase == "Running", ["restartCount"] = 0,
            ["state"] = s.State, ["lastState"] = s.LastState ?? new JsonObject(),
        }).ToArray());
        await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/pods/{pod}/status", new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = phase, ["podIP"] = "127.0.0.1", ["hostIP"] = "127.0.0.1",
                ["containerStatuses"] = statuses,
            },
        });
    }

    async Task SendAsync(HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json"),
        };
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Runs a versioned kubectl (e.g. "1.33") against the cluster; stdin is sent and closed.</summary>
    public async Task<KubectlResult> KubectlAsync(string version, string[] args, string? stdin = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo($"/usr/lib/google-cloud-sdk/bin/kubectl.{version}")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(Kubeconfig);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["HOME"] = _dir.FullName;
        if (env != null) foreach (var (k, v) in env) start.Environment[k] = v;
        return await RunAsync(start, stdin, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs a command line under `script` so kubectl gets a real terminal (for -it).</summary>
    public async Task<KubectlResult> KubectlInTerminalAsync(string version, string args, string stdin, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-qfec", $"/usr/lib/google-cloud-sdk/bin/kubectl.{version} --kubeconfig {Kubeconfig} {args}", "/dev/null" })
            start.ArgumentList.Add(a);
        start.Environment["HOME"] = _dir.FullName;
        return await RunAsync(start, stdin, timeout ?? TimeSpan.FromSeconds(60), closeStdin: false);
    }

    /// <summary>Starts kubectl without waiting (port-forward, logs -f); the caller kills it.</summary>
    public Process StartKubectl(string version, string[] args, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo($"/usr/lib/google-cloud-sdk/bin/kubectl.{version}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(Kubeconfig);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["HOME"] = _dir.FullName;
        if (env != null) foreach (var (k, v) in env) start.Environment[k] = v;
        return Process.Start(start)!;
    }

    static async Task<KubectlResult> RunAsync(ProcessStartInfo start, string? stdin, TimeSpan timeout, bool closeStdin = true)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin != null) await process.StandardInput.WriteAsync(stdin);
        if (closeStdin) process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(" ", start.ArgumentList)} timed out; stdout: {await stdout}; stderr: {await stderr}");
        }
        if (!closeStdin) process.StandardInput.Close();
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    public async Task DisposeAsync()
    {
        Runtime.Dispose();
        Http.Dispose();
        await _kubelet.DisposeAsync();
        await _api.DisposeAsync();
        await _store.DisposeAsync();
        _pki.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"rc={ExitCode} stdout=[{Stdout}] stderr=[{Stderr}]";
}
