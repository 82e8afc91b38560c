using Podway.Node.Network;

namespace Podway.Nodes;

/// <summary>
/// Repairs the cluster network while the cluster runs. Every CheckInterval it looks (file reads only) for a missing
/// bridge, node namespace or node link, and for an agent stranded in a namespace that lost its name (deleted by
/// hand, or by a `down` of another cluster of the same name); then it ends the stranded agents, rebuilds the
/// network and lets the supervisors start the agents again, which recreate their Pods' sandboxes. Repairs are
/// logged, so the server log says what vanished and when.
/// </summary>
internal sealed class NetworkWatchdog(ClusterNetwork network, IReadOnlyList<AgentSupervisor> supervisors, Action<string> log)
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);
    volatile bool _repairing;

    /// <summary>For the supervisors: an agent may start once its node namespace exists and no repair is under way.</summary>
    public bool NodeReady(Node.NodeIdentity node) => !_repairing && Netns.Exists(node.NodeNetns);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(CheckInterval, ct); } catch (OperationCanceledException) { return; }
            try { await CheckAsync(); }
            catch (Exception e) when (e is not OperationCanceledException) { log($"podway: repairing the cluster network failed: {e.Message}; trying again"); }
            finally { _repairing = false; }
        }
    }

    async Task CheckAsync()
    {
        var damage = network.Damage().ToList();
        var hostNetns = NetnsIdentity.OfProcess(Environment.ProcessId);
        foreach (var s in supervisors)
        {
            // An agent still entering its namespace (nsenter not yet done) runs in the host's: not stranded.
            if (s.AgentPid is not { } pid || NetnsIdentity.OfProcess(pid) is not { } agentNetns || agentNetns == hostNetns) continue;
            // A name whose identity cannot be read (not in our mount table) is no evidence: never end an agent on it.
            if (damage.All(d => d.Node != s.Node) && NetnsIdentity.OfName(s.Node.NodeNetns) is { } named && agentNetns != named)
                damage.Add(new(s.Node, $"node agent {s.Node.NodeName} runs outside namespace {s.Node.NodeNetns}"));
        }
        if (damage.Count == 0) return;

        _repairing = true;
        log($"podway: cluster network damaged ({string.Join(", ", damage.Select(d => d.What))} missing or moved); repairing");
        var moved = damage.Where(d => d.Node is not null && d.What.StartsWith("node ", StringComparison.Ordinal)).Select(d => d.Node!).Distinct().ToList();
        // Agents in a lost namespace must end first: that namespace (and the host end of its veth) lives as long as they do.
        await Task.WhenAll(supervisors.Where(s => moved.Contains(s.Node)).Select(s => s.StopForRepairAsync()));
        network.Repair(moved);
        log($"podway: cluster network repaired{(moved.Count > 0 ? $"; node agents of {string.Join(", ", moved.Select(n => n.NodeName))} start again in their rebuilt namespaces" : "")}");
    }
}
