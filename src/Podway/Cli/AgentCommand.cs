using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Podway.Client;
using Podway.Cluster;
using Podway.Node.Images;
using Podway.Node.Kubelet;
using Podway.Node.Sandbox;
using Podway.Node.Streaming;
using Podway.Nodes;
using Podway.Proxy;
using Podway.Proxy.Flows;
using Podway.Proxy.Policy;

namespace Podway.Cli;

/// <summary>
/// `podway agent`: one node's kubelet, run by the control plane inside the node's network namespace. It reaches
/// the API server on the host bridge with the credential the control plane hands it, and serves logs, exec,
/// attach, port-forward and resource metrics to the API server on the node IP (HTTPS, the API server's client certificate only).
/// </summary>
internal static class AgentCommand
{
    public const string AgentTokenVariable = "PODWAY_AGENT_TOKEN";

    public static async Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        ctx.RequireRoot("agent", "it runs Pods in network namespaces");
        // Pod starts run host programs and wait for them (CNI plugins, crun, cp) on pool threads; with the pool's
        // default of one thread per core, the first Pods after `up` queued for seconds behind each other's waits.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        var config = ClusterConfig.Load(paths.ConfigFile) ?? throw new CliException($"no cluster.json in {paths.DataDir}");
        if (!int.TryParse(cmd.Value("--node") ?? "0", out var index) || index < 0)
            throw new UsageException("--node must be a node index (0, 1, ...)");
        var token = Environment.GetEnvironmentVariable(AgentTokenVariable)
            ?? throw new CliException($"{AgentTokenVariable} is not set: the agent is started by `podway up`, not by hand");

        var node = NodeLayout.For(config.Name, paths.DataDir, config.NodeCidr, config.PodCidr, config.ServiceCidr, index);
        var ca = X509CertificateLoader.LoadCertificateFromFile(paths.CaCert);
        using var client = new ApiClient(new Uri($"https://{node.HostIp}:{config.ApiPort}"), token, ca);
        // The service proxy programs this node's kernel (we run inside the node's network namespace).
        var proxy = new ServiceProxy(client,
            new ProxyNodeInfo
            {
                NodeName = node.NodeName, NodeIps = [node.NodeIp.ToString()], ClusterPodCidr = node.ClusterPodCidr,
                ServiceCidr = node.ServiceCidr, TableName = ProxyNodeInfo.TableFor(config.Name),
            },
            new ProxyOptions
            {
                // Syncs are partial and cheap at a node's scale; react quickly rather than kube-proxy's 1 s.
                MinSyncInterval = TimeSpan.FromMilliseconds(100),
                // kube-proxy's default --metrics-bind-address: loopback of the node (this netns), out of Pods' reach.
                MetricsEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 10249),
                // kube-proxy's default --healthz-bind-address: every address of the node, for load balancers' checks.
                HealthzEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, 10256),
                Log = message => ctx.Err.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}"),
            });
        // NetworkPolicy, in the same namespace: its own table beside the proxy's, judged after the proxy's DNAT.
        var policy = new PolicyController(client, ProxyNodeInfo.TableFor(config.Name),
            [node.NodeIp.ToString(), PolicyNodeAddresses.PodGateway(node.PodCidr)],
            new PolicyControllerOptions { Log = message => ctx.Err.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}") });
        // The flow log: conntrack events and the NFLOG statements of the proxy's and policy's rules, named by both.
        var flows = new FlowRecorder(new FlowRecorderOptions
        {
            NodeName = node.NodeName, ProxyTable = ProxyNodeInfo.TableFor(config.Name),
            NodeAddresses = new HashSet<string> { node.NodeIp.ToString(), PolicyNodeAddresses.PodGateway(node.PodCidr) },
            PodAt = policy.PodAt, ServiceAt = proxy.ServiceAt, ServiceMarked = proxy.ServiceMarked, DropReason = policy.DropReason,
            Log = message => ctx.Err.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}"),
        });
        proxy.Metrics.Extra = sb => { policy.WriteMetrics(sb); flows.WriteMetrics(sb); };
        PolicyNodeAddresses.EnsureBridgedTrafficFiltered(message => ctx.Err.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}"));
        var agent = new NodeAgent(client, node, new PodSandboxes(node), new ImageCatalog(Environment.ProcessPath),
            new NodeAgentOptions
            {
                // The kubelet's default is 110; a podway node is a whole machine and its /24 holds 254 Pod IPs.
                MaxPods = 250,
                // As the kubelet's --resolv-conf: the file dnsPolicy Default copies searches and options from; its
                // nameservers give way to the control plane's DNS relay on the host bridge, the node resolver.
                HostResolvConf = ResolvConfFlag.Effective(config.ResolvConf),
                NodeResolver = node.HostIp,
                BeforeStoppingPod = proxy.WaitUntilNotRoutedAsync,
                Log = message => ctx.Err.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}"),
            });

        using var cts = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
        await using var kubelet = await KubeletServer.StartAsync(
            new KubeletServerOptions
            {
                Address = node.NodeIp, Port = node.KubeletPort, ServingCertificate = Pki.KubeletPki.LoadServing(paths.PkiDir, node.NodeName),
                ClientCertificateAuthority = ca, ResourceMetrics = agent.ResourceMetrics, Flows = flows.Json,
            }, agent.Streams, cts.Token);
        ctx.Out.WriteLine($"podway agent: node {node.NodeName} ({node.NodeIp}), kubelet on :{kubelet.Port}");
        var proxyTask = proxy.RunAsync(cts.Token);
        var policyTask = policy.RunAsync(cts.Token);
        var flowsTask = flows.RunAsync(cts.Token);
        try { await agent.RunAsync(cts.Token); }
        catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
        cts.Cancel();
        try { await proxyTask; } catch (OperationCanceledException) { }
        try { await policyTask; } catch (OperationCanceledException) { }
        try { await flowsTask; } catch (OperationCanceledException) { }
        ctx.Out.WriteLine($"podway agent: node {node.NodeName} stopped (its Pods keep running)");
        return 0;
    }
}
