using Podway.Cluster;
using Podway.Nodes;
using Podway.Node.Network;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>
/// `podway up` of a cluster that already runs: nothing to do when it is whole; when it is degraded, repair it and
/// wait until it is whole again. The server's own watchdog repairs its network within seconds, so `up` first gives
/// it that chance, then rebuilds the network itself (a server from before the watchdog, or one that keeps
/// failing) and ends agents stranded in a lost namespace, which the server then starts again.
/// </summary>
internal static class ClusterRepair
{
    static readonly TimeSpan SelfRepairWait = TimeSpan.FromSeconds(10);
    static readonly TimeSpan RepairTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(ClusterPaths paths, ClusterConfig config, int serverPid, CliContext ctx)
    {
        var creds = ClusterPki.LoadOrCreate(paths, config, DateTimeOffset.UtcNow);
        var health = await ClusterHealth.CheckAsync(paths, config, creds);
        // A server that is still starting (or hung) is not ours to repair: its API must answer first.
        for (var deadline = DateTime.UtcNow + SelfRepairWait; !health.ApiReady && DateTime.UtcNow < deadline; health = await ClusterHealth.CheckAsync(paths, config, creds))
            await Task.Delay(500);
        if (!health.ApiReady)
            throw new CliException($"cluster {paths.Name} is running (pid {serverPid}) but its API server does not answer https://127.0.0.1:{config.ApiPort}/readyz; " +
                $"nothing changed. See {paths.LogFile}, or restart it with podway down{UpCommand.NameFlag(paths)} and podway up{UpCommand.NameFlag(paths)}");
        if (!health.Degraded)
        {
            ctx.Out.WriteLine($"cluster {paths.Name} is already running (pid {serverPid}, https://127.0.0.1:{config.ApiPort}); nothing changed");
            return 0;
        }
        ctx.Out.WriteLine($"cluster {paths.Name} is running (pid {serverPid}) but degraded: {string.Join("; ", health.Problems())}");
        var steps = new StepPrinter(ctx.Out);
        var repaired = await steps.RunAsync("self-repair", () => WaitWholeAsync(paths, config, creds, SelfRepairWait),
            whole => whole ? "the cluster repaired itself" : "not yet; repairing it here");
        if (!repaired)
        {
            steps.Run("network", () => RepairNetwork(paths, config), d => d.Count == 0 ? "whole" : "rebuilt " + string.Join(", ", d));
            if (!await steps.RunAsync("nodes", () => WaitWholeAsync(paths, config, creds, RepairTimeout), whole => whole ? "Ready" : "still degraded"))
            {
                var left = await ClusterHealth.CheckAsync(paths, config, creds);
                throw new CliException($"cluster {paths.Name} is still degraded after {RepairTimeout.TotalSeconds:0} s: {string.Join("; ", left.Problems())}; " +
                    $"see {paths.LogFile} and the agent logs beside it");
            }
        }
        ctx.Out.WriteLine($"cluster {paths.Name} is whole again (https://127.0.0.1:{config.ApiPort})");
        return 0;
    }

    /// <summary>Rebuilds what is missing and ends agents whose namespace lost its name; returns what was missing.</summary>
    static IReadOnlyList<string> RepairNetwork(ClusterPaths paths, ClusterConfig config)
    {
        var network = ClusterHealth.NetworkOf(paths, config);
        var damage = network.Damage();
        var stranded = network.Nodes.Where(n => AgentState.Load(n.StateDir) is { Pid: > 0 } a
            && AgentSupervisor.IsOurAgent(a.Pid, config.Name, paths.DataDir, n.Index)
            && NetnsIdentity.OfName(n.NodeNetns) is var named && (named is null || NetnsIdentity.OfProcess(a.Pid) != named)).ToList();
        if (damage.Count == 0 && stranded.Count == 0) return [];
        foreach (var node in stranded)
            if (AgentState.Load(node.StateDir) is { } a) HostSystem.Posix.kill(a.Pid, HostSystem.Posix.SIGKILL);
        // Killed agents free their lost namespace; give the kernel a moment before rewiring.
        if (stranded.Count > 0) Thread.Sleep(500);
        try { network.Repair(damage.Where(d => d.Node is not null).Select(d => d.Node!).Concat(stranded).Distinct()); }
        catch (IOException e) { throw new CliException($"repairing the network of cluster {paths.Name} failed: {e.Message}"); }
        return [.. damage.Select(d => d.What).Concat(stranded.Select(n => $"node agent of {n.NodeName} (stranded)"))];
    }

    static async Task<bool> WaitWholeAsync(ClusterPaths paths, ClusterConfig config, ClusterCredentials creds, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (!(await ClusterHealth.CheckAsync(paths, config, creds)).Degraded) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(500);
        }
    }
}
