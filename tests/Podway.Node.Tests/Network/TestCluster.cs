using System.Diagnostics;
using System.Net;
using Podway.Node.Network;

namespace Podway.Node.Tests.Network;

/// <summary>
/// A throw-away cluster network for one test: a short unique name (kernel objects "pwtXXXX", "podway-tXXXX-*"),
/// ranges no other cluster on the machine routes, a host bridge and N node namespaces. Dispose removes it all.
/// </summary>
internal sealed class TestCluster : IDisposable
{
    static readonly object RangeLock = new();
    static readonly HashSet<int> TakenByThisRun = [];

    public string Name { get; }
    public int K { get; }
    public string HostBridge => $"pw{Name}";
    public IPAddress HostIp => IPAddress.Parse($"10.250.{K}.1");
    public string NodeNetworkCidr => $"10.250.{K}.0/24";
    public string ClusterPodCidr => $"10.{K}.0.0/17";
    public string ServiceCidr => $"10.{K}.128.0/20";
    public string StateRoot { get; }
    public List<NodeIdentity> Nodes { get; } = [];

    TestCluster(string name, int k)
    {
        Name = name;
        K = k;
        StateRoot = Directory.CreateTempSubdirectory($"podway-{name}-").FullName;
    }

    /// <summary>Only sets names and ranges; call SetUpHost/AddNode to create kernel objects.</summary>
    public static TestCluster Reserve()
    {
        lock (RangeLock)
        {
            var routes = Run("ip", "-4", "route").Stdout;
            // 10.20-10.90: clear of the real defaults (10.96/12 services, 10.244 pods, 10.250 node network octet).
            for (var k = 20 + Random.Shared.Next(70); ; k = k >= 90 ? 20 : k + 1)
            {
                if (TakenByThisRun.Contains(k) || routes.Contains($"10.{k}.") || routes.Contains($"10.250.{k}.")) continue;
                TakenByThisRun.Add(k);
                return new TestCluster("t" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next()))[..4].ToLowerInvariant(), k);
            }
        }
    }

    public static TestCluster Create(int nodes = 1)
    {
        var c = Reserve();
        try
        {
            c.SetUpHost();
            for (var i = 0; i < nodes; i++) c.AddNode();
            return c;
        }
        catch { c.Dispose(); throw; }
    }

    public void SetUpHost() => NodeNetwork.SetUpHost(Name, HostBridge, HostIp, 24, NodeNetworkCidr, ClusterPodCidr, ServiceCidr);

    public NodeIdentity AddNode()
    {
        var i = Nodes.Count;
        var node = new NodeIdentity
        {
            ClusterName = Name,
            NodeName = $"node-{i}",
            Index = i,
            NodeIp = IPAddress.Parse($"10.250.{K}.{10 + i}"),
            HostIp = HostIp,
            NodeNetworkPrefix = 24,
            PodCidr = $"10.{K}.{i}.0/24",
            ClusterPodCidr = ClusterPodCidr,
            ServiceCidr = ServiceCidr,
            ClusterDns = IPAddress.Parse($"10.{K}.128.10"),
            StateDir = Path.Combine(StateRoot, "nodes", $"node-{i}"),
        };
        Nodes.Add(node);
        NodeNetwork.SetUpNode(node);
        return node;
    }

    public IEnumerable<string> KernelObjects() =>
        Links().Concat(Namespaces()).Where(o => o == HostBridge || o.StartsWith(HostBridge + "-") || o.StartsWith($"podway-{Name}-"));

    public static IEnumerable<string> Links() =>
        Run("ip", "-o", "link").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim().Split('@')[0]);

    public static IEnumerable<string> Namespaces() =>
        Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(f => Path.GetFileName(f)) : [];

    public void Dispose()
    {
        foreach (var node in Nodes) { try { NodeNetwork.TearDownNode(node); } catch (IOException) { } }
        try { NodeNetwork.TearDownHost(Name); } catch (IOException) { }
        try { Directory.Delete(StateRoot, recursive: true); } catch (IOException) { }
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string file, params string[] args) => Run(new ProcessStartInfo(file, args));

    public static (int ExitCode, string Stdout, string Stderr) Run(ProcessStartInfo psi, TimeSpan? timeout = null)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(20)))
        {
            p.Kill(true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
