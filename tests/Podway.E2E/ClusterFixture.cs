using System.Net;
using System.Net.Sockets;

namespace Podway.E2E;

/// <summary>
/// A real cluster of its own for the tests: `./podway up` with a unique name, data dir and port, driven by the
/// machine's kubectl through the kubeconfig podway wrote; `./podway down --purge` afterwards. Its "host
/// resolvers" are one <see cref="LoopbackResolver"/> (`up --resolv-conf`), so Pods' outside names never leave the machine.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public string Name { get; } = "e2e" + Guid.NewGuid().ToString("N")[..5];
    public string DataDir { get; }
    public string UserKubeconfig { get; }
    public int ApiPort { get; } = FreePort();
    public string Kubeconfig => Path.Combine(DataDir, "kubeconfig");
    /// <summary>The resolver the cluster's node resolver forwards to, named by <see cref="ResolvConf"/>.</summary>
    public LoopbackResolver Resolver { get; private set; } = null!;
    public string ResolvConf => Path.Combine(Path.GetDirectoryName(DataDir)!, "resolv.conf");

    public ClusterFixture()
    {
        var root = Path.Combine(Path.GetTempPath(), "podway-" + Name);
        DataDir = Path.Combine(root, "data");
        UserKubeconfig = Path.Combine(root, "user-kubeconfig");
    }

    public Dictionary<string, string> Env => new()
    {
        ["KUBECONFIG"] = UserKubeconfig,
        // kubectl's discovery and http caches per cluster, so a cached /version from another server never picks the binary
        ["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(DataDir)!, "kubecache"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(UserKubeconfig)!);
        Resolver = new LoopbackResolver();
        File.WriteAllText(ResolvConf, $"# podway E2E: the host's resolvers, on loopback\nsearch podway-e2e.test\nnameserver {Resolver.Address}\noptions edns0\n");
        var up = await UpAsync();
        if (up.ExitCode != 0)
        {
            // xunit does not dispose a fixture whose initialization failed: remove what the failed up left.
            await DownAsync(purge: true);
            throw new InvalidOperationException("podway up failed\n" + up);
        }
    }

    /// <summary>A fresh namespace for one test, so tests sharing the cluster never see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var ns = prefix + "-" + Guid.NewGuid().ToString("N")[..5];
        var create = await KubectlAsync("create", "namespace", ns);
        if (create.ExitCode != 0) throw new InvalidOperationException($"creating namespace {ns} failed\n{create}");
        return ns;
    }

    public Task<ProcessResult> UpAsync() =>
        PodwayAsync("up", "--name", Name, "--data-dir", DataDir, "--api-port", ApiPort.ToString(), "--resolv-conf", ResolvConf);

    public Task<ProcessResult> DownAsync(bool purge = false) =>
        purge ? PodwayAsync("down", "--name", Name, "--data-dir", DataDir, "--purge") : PodwayAsync("down", "--name", Name, "--data-dir", DataDir);

    public Task<ProcessResult> PodwayAsync(params string[] args) =>
        Processes.RunAsync(Paths.Podway, args, Env, timeout: TimeSpan.FromMinutes(5));

    /// <summary>Runs the dispatcher kubectl (which picks kubectl.1.33 from the server's /version) against this cluster.</summary>
    public Task<ProcessResult> KubectlAsync(params string[] args) => KubectlWithAsync("kubectl", null, args);

    public Task<ProcessResult> KubectlStdinAsync(string stdin, params string[] args) => KubectlWithAsync("kubectl", stdin, args);

    /// <summary>Runs one of the versioned kubectl binaries (kubectl.1.27 ... kubectl.1.33).</summary>
    public Task<ProcessResult> KubectlVersionAsync(string minor, params string[] args) =>
        KubectlWithAsync($"/usr/lib/google-cloud-sdk/bin/kubectl.1.{minor}", null, args);

    Task<ProcessResult> KubectlWithAsync(string binary, string? stdin, string[] args)
    {
        var env = Env;
        env["KUBECONFIG"] = Kubeconfig;
        return Processes.RunAsync(binary, args, env, stdin, TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        var down = await DownAsync(purge: true);
        if (Resolver is not null) await Resolver.DisposeAsync();
        // A failed down keeps the data dir: without it nobody could run `podway down` for what is left.
        if (down.ExitCode != 0) { Console.Error.WriteLine($"podway down of E2E cluster {Name} failed; its data is kept in {DataDir}\n{down}"); return; }
        try { Directory.Delete(Path.GetDirectoryName(DataDir)!, recursive: true); } catch (IOException) { }
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;
