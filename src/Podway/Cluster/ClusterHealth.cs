using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Nodes;
using Podway.Pki;

namespace Podway.Cluster;

/// <summary>One node as `podway status` shows it: the Node's Ready condition from the API, and its agent as the supervisor left it.</summary>
internal sealed record NodeHealth(string Name, string? ReadyStatus, string? ReadyReason, AgentState? Agent, bool AgentAlive)
{
    public bool Ready => ReadyStatus == "True";
    public bool Healthy => Ready && Agent?.State == AgentState.Running && AgentAlive;

    public string Describe()
    {
        var readiness = ReadyStatus switch
        {
            "True" => "Ready",
            null => "readiness unknown (API not answering)",
            _ => $"NotReady ({ReadyReason ?? ReadyStatus})",
        };
        var agent = Agent is null ? "agent state unknown" : Agent.State == AgentState.Running && !AgentAlive ? "agent gone" : Agent.Describe();
        return $"{Name} {readiness}, {agent}";
    }
}

/// <summary>
/// Whether a running cluster is whole: API ready, every part of its network present, every node Ready with its agent
/// running. What `podway status` reports (exit 4 when degraded) and `podway up` repairs.
/// </summary>
internal sealed record ClusterHealth(bool ApiReady, IReadOnlyList<NodeHealth> Nodes, IReadOnlyList<NetworkDamage> Damage)
{
    public bool Degraded => !ApiReady || Damage.Count > 0 || Nodes.Any(n => !n.Healthy);

    public IEnumerable<string> Problems()
    {
        if (!ApiReady) yield return "API not answering /readyz";
        if (Damage.Count > 0) yield return "missing " + string.Join(", ", Damage.Select(d => d.What));
        foreach (var n in Nodes.Where(n => !n.Healthy)) yield return "node " + n.Describe();
    }

    public static ClusterNetwork NetworkOf(ClusterPaths paths, ClusterConfig config) =>
        ClusterNetwork.For(config.Name, paths.DataDir, config.NodeCidr, config.PodCidr, config.ServiceCidr, ControlPlaneOptions.DefaultNodes);

    public static async Task<ClusterHealth> CheckAsync(ClusterPaths paths, ClusterConfig config, ClusterCredentials creds)
    {
        var network = NetworkOf(paths, config);
        using var probe = new ReadyProbe(config.ApiPort, creds.Ca, creds.AdminToken);
        // A busy machine can miss one 3 s probe: only three misses in a row make the API "not answering".
        var apiReady = false;
        for (var attempt = 0; attempt < 3 && !apiReady; attempt++)
        {
            if (attempt > 0) await Task.Delay(500);
            apiReady = await probe.IsReadyAsync(CancellationToken.None);
        }
        using var client = new ApiClient(new Uri($"https://127.0.0.1:{config.ApiPort}"), creds.AdminToken, creds.Ca);
        var nodes = new List<NodeHealth>();
        foreach (var node in network.Nodes)
        {
            var agent = AgentState.Load(node.StateDir);
            var alive = agent is { Pid: > 0 } && AgentSupervisor.IsOurAgent(agent.Pid, config.Name, paths.DataDir, node.Index);
            var (status, reason) = apiReady ? await ReadyConditionAsync(client, node.NodeName) : (null, null);
            nodes.Add(new NodeHealth(node.NodeName, status, reason, agent, alive));
        }
        return new ClusterHealth(apiReady, nodes, network.Damage());
    }

    static async Task<(string? Status, string? Reason)> ReadyConditionAsync(ApiClient client, string nodeName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var node = await client.TryGetAsync(BuiltinResources.Node, null, nodeName, timeout.Token);
            if (node is null) return ("False", "not registered");
            var ready = (node["status"]?["conditions"]?.AsArray() ?? []).FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready");
            return (ready?["status"]?.GetValue<string>() ?? "Unknown", ready?["reason"]?.GetValue<string>());
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or ApiException) { return (null, null); }
    }
}
