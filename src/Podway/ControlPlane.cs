using System.Net;
using Podway.Api.Resources;
using Podway.ApiServer;
using Podway.Client;
using Podway.Controllers;
using Podway.Node;
using Podway.Node.Network;
using Podway.Nodes;
using Podway.Storage;

namespace Podway;

/// <summary>
/// Runs one cluster in this process, in k3s's order, each part once the one before it is ready: the cluster
/// network (host bridge and node namespaces), the store, the API server, the controllers (API clients over
/// HTTPS, they never read the store), then one node agent per node inside its namespace.
/// </summary>
public static class ControlPlane
{
    static readonly TimeSpan NodeReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Calls onReady once the API answers, the controllers' caches are synced and the nodes are Ready; returns when ct is cancelled and everything has stopped and been removed.</summary>
    public static async Task RunAsync(ControlPlaneOptions options, Action onReady, CancellationToken ct)
    {
        var api = options.Api;
        Directory.CreateDirectory(api.DataDir);
        var network = ClusterNetwork.For(api.ClusterName, api.DataDir, options.NodeCidr, options.PodCidr, api.ServiceCidr, options.Nodes);
        network.SetUp();
        try
        {
            await RunComponentsAsync(options, network, onReady, ct);
        }
        finally
        {
            // Containers first (processes, root overlays, runtime state), as `down` does: a node's state directory
            // holds its Pods' mounted roots, which the network teardown cannot delete while they are mounted.
            try
            {
                foreach (var removed in Podway.Node.Runtime.ClusterRuntimeCleanup.Remove(api.ClusterName, api.DataDir))
                    Console.Error.WriteLine($"podway: removed {removed}");
            }
            finally { network.TearDown(); }
        }
    }

    static async Task RunComponentsAsync(ControlPlaneOptions options, ClusterNetwork network, Action onReady, CancellationToken ct)
    {
        var nodes = network.Nodes;
        var hostIp = nodes[0].HostIp;
        // Each component has a credential of its own, as kube's components have their own identities; they are kept
        // in the data dir, so agents and add-on Pods stay authorized when the control plane restarts under them.
        var pkiDir = Path.Combine(options.Api.DataDir, "pki");
        var (controllerToken, agentToken, dnsToken, edgeToken) = Pki.ComponentTokens.LoadOrCreate(pkiDir);
        // Kubelets serve TLS with certificates the CA signs here, before their agents start; the API server is their only client.
        foreach (var node in nodes) Pki.KubeletPki.LoadOrIssueServing(pkiDir, node.NodeName, node.NodeIp, DateTimeOffset.UtcNow).Dispose();
        var api = options.Api with
        {
            KubeletClientCertificate = Pki.KubeletPki.LoadOrIssueApiServerClient(pkiDir, DateTimeOffset.UtcNow),
            Tokens = new HashSet<string>(options.Api.Tokens) { controllerToken, agentToken, dnsToken, edgeToken },
            ListenAddresses = options.Api.ListenAddresses.Append(hostIp).Distinct().ToList(),
            ExtraHandler = ExtraEndpoints(options, network),
        };

        await using var relay = StartDnsRelay(options, nodes[0], hostIp);
        await using var store = await SqliteObjectStore.OpenAsync(Path.Combine(api.DataDir, "store.db"), new StoreOptions());
        await using var server = await ApiServerHost.StartAsync(api, store, ct);
        File.WriteAllText(Cluster.ServerSupervisor.ReadyFile(api.DataDir), $"{Environment.ProcessId}\n");

        using var client = new ApiClient(server.Url, controllerToken, api.CertificateAuthority);
        var running = new List<Task>();

        // The node agents first: they need only the API, and their start (registering, the proxy's first sync) is
        // what the cluster's first Pods wait for, so it runs while the controllers and add-ons come up.
        var secrets = new Dictionary<string, string>
        {
            [Cli.AgentCommand.AgentTokenVariable] = agentToken,
        };
        // The watchdog repairs the node network if part of it vanishes; supervisors start agents only into a whole one.
        var supervisors = new List<AgentSupervisor>();
        var watchdog = new NetworkWatchdog(network, supervisors, Console.Error.WriteLine);
        foreach (var node in nodes)
            supervisors.Add(new AgentSupervisor(node, options.PodwayExecutable, api.ClusterName, api.DataDir, secrets, Console.Error.WriteLine,
                () => watchdog.NodeReady(node), _ => NodeNotReady.MarkAsync(client, node.NodeName, ct)));
        running.AddRange(supervisors.Select(s => s.RunAsync(ct)));
        running.Add(watchdog.RunAsync(ct));

        var controllers = new ControllerManager(client, new ControllerManagerOptions
        {
            Log = Console.Error.WriteLine,
            RootCaPem = api.CertificateAuthority is { } ca ? ca.ExportCertificatePem() + "\n" : null,
            LoadBalancerPool = NodeLayout.LoadBalancerPool(options.NodeCidr),
        });
        var controllersRunning = controllers.RunAsync(ct);
        running.Add(controllersRunning);
        await Task.WhenAny(controllers.Ready, controllersRunning);
        // The cluster DNS add-on (kube-dns Service, podway-dns Deployment); its Pods reach us through the host bridge.
        await Podway.Dns.Addon.DnsAddon.EnsureAsync(client, $"https://{hostIp}:{server.Url.Port}", dnsToken, hostIp, ct);
        // The edge add-on (Ingress controller Pods behind a LoadBalancer Service) and, here, its Ingress status and events.
        await Podway.Edge.Addon.EdgeAddon.EnsureAsync(client, $"https://{hostIp}:{server.Url.Port}", edgeToken, ct);
        running.Add(Podway.Edge.Status.EdgeStatusHost.RunAsync(client, Console.Error.WriteLine, ct));

        await WaitForNodesAsync(client, nodes, ct);
        onReady();
        await Task.WhenAll(running);
    }

    /// <summary>
    /// The node resolver on the bridge (kind's nodes have Docker's DNS): where the cluster DNS forwards outside names
    /// and where Pods with dnsPolicy Default ask. A cluster whose port 53 is taken still runs, without it: those
    /// lookups then fail at once (port unreachable) instead of the whole cluster failing.
    /// </summary>
    static Podway.Dns.Relay.HostDnsRelay? StartDnsRelay(ControlPlaneOptions options, NodeIdentity node, IPAddress hostIp)
    {
        try
        {
            var relay = Podway.Dns.Relay.HostDnsRelay.ForResolvConf(new IPEndPoint(hostIp, 53), options.ResolvConf, node.ClusterDomain, node.ClusterDns);
            relay.Start();
            Console.Error.WriteLine($"podway: node resolver on {relay.LocalEndPoint} forwards to [{string.Join(", ", relay.Upstreams)}] " +
                $"(from {(options.ResolvConf is "" ? "no resolv.conf" : options.ResolvConf)})");
            return relay;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Console.Error.WriteLine($"podway: cannot serve the node resolver on {hostIp}:53 ({e.Message}); names outside the cluster will not resolve in Pods");
            return null;
        }
    }

    /// <summary>`up` returns once the cluster can run Pods: every node registered and Ready (or a clear note in the log after a minute).</summary>
    static async Task WaitForNodesAsync(ApiClient client, IReadOnlyList<NodeIdentity> nodes, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + NodeReadyTimeout;
        foreach (var node in nodes)
        {
            while (!ct.IsCancellationRequested)
            {
                var obj = await client.TryGetAsync(BuiltinResources.Node, null, node.NodeName, ct);
                var ready = obj?["status"]?["conditions"]?.AsArray()
                    .Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;
                if (ready) break;
                if (DateTime.UtcNow > deadline)
                {
                    Console.Error.WriteLine($"podway: node {node.NodeName} is not Ready after {NodeReadyTimeout.TotalSeconds:0}s; see its agent log");
                    return;
                }
                await Task.Delay(100, ct);
            }
        }
    }

    /// <summary>
    /// What the API server serves beside the API: `podway trace` (<see cref="Topology.TraceEndpoint"/>) and the topology
    /// page, each reading this API server with the caller's own token.
    /// </summary>
    static Func<Microsoft.AspNetCore.Http.HttpContext, string, Task<bool>> ExtraEndpoints(ControlPlaneOptions options, ClusterNetwork network)
    {
        var self = new Uri($"https://127.0.0.1:{options.Api.Port}");
        var ca = options.Api.CertificateAuthority;
        var trace = new Topology.TraceEndpoint(self, ca, api =>
            ClusterTraceEnvironment.For(api, options.Api.ClusterName, options.Api.DataDir, network.Nodes, options.Api.AdvertiseAddress.ToString()));
        var page = new Topology.TopologyPage(new Topology.TopologyWatch(self, ca));
        return async (ctx, path) => await trace.TryServeAsync(ctx, path) || await page.TryServeAsync(ctx, path);
    }
}
