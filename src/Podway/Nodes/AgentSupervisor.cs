using System.Diagnostics;
using Podway.HostSystem;
using Podway.Node;
using Podway.Node.Network;

namespace Podway.Nodes;

/// <summary>
/// Keeps one node agent running inside its node's network namespace: `nsenter --net=... podway agent ...`,
/// restarted with back-off when it exits, stopped with SIGTERM on shutdown. The agent's Pods are not its children
/// (each sandbox has its own session), so they outlive an agent restart and the new agent adopts them. An agent is
/// only started into a namespace that exists (the network watchdog rebuilds a lost one), and `StopForRepairAsync`
/// ends an agent stranded in a namespace that lost its name so that the next one starts in the rebuilt node.
/// Its state is kept in agent.state for `podway status`; onAgentDown marks the Node not ready meanwhile.
/// </summary>
internal sealed class AgentSupervisor(NodeIdentity node, string podwayExecutable, string clusterName, string dataDir,
    IReadOnlyDictionary<string, string> secrets, Action<string> log, Func<bool> networkReady, Func<string, Task>? onAgentDown = null)
{
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    string PidFile => Path.Combine(node.StateDir, "agent.pid");
    string LogFile => Path.Combine(dataDir, "logs", $"agent-{node.NodeName}.log");
    volatile Process? _agent;
    volatile bool _restartNow;
    int _restarts;

    public NodeIdentity Node => node;

    /// <summary>The running agent's pid, or null between runs.</summary>
    public int? AgentPid => _agent is { HasExited: false } a ? a.Id : null;

    public async Task RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(node.StateDir);
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        EndStaleAgent();
        var backoff = TimeSpan.FromSeconds(1);
        int? lastExit = null;
        while (!ct.IsCancellationRequested)
        {
            if (!await WaitForNetworkAsync(lastExit, ct)) break;
            using var agent = Start();
            _agent = agent;
            var started = DateTime.UtcNow;
            File.WriteAllText(PidFile, $"{agent.Id}\n");
            Save(AgentState.Running, agent.Id, lastExit);
            try
            {
                await agent.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(agent);
                break;
            }
            _agent = null;
            lastExit = agent.ExitCode;
            _restarts++;
            await MarkDownAsync(agent.ExitCode);
            if (_restartNow)
            {
                // Ended on purpose for a repair: the next agent starts as soon as the network is back.
                _restartNow = false;
                log($"node agent {node.NodeName} stopped for a repair of the node network; starting it again");
                continue;
            }
            log($"node agent {node.NodeName} exited with code {agent.ExitCode}; restarting in {backoff.TotalSeconds:0}s (log: {LogFile})");
            Save(AgentState.Restarting, 0, lastExit);
            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(1)) backoff = TimeSpan.FromSeconds(1);
            try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { break; }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
        try { File.Delete(PidFile); } catch (IOException) { }
        AgentState.Delete(node.StateDir);
    }

    /// <summary>The Node shows NotReady while no agent posts its status (before the next agent registers as Ready).</summary>
    async Task MarkDownAsync(int exitCode)
    {
        if (onAgentDown is null) return;
        try { await onAgentDown($"node agent exited with code {exitCode}").WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e) { log($"node {node.NodeName}: cannot mark it NotReady: {e.Message}"); }
    }

    /// <summary>Ends the agent (it runs in a namespace that is no longer the node's) and waits until it has exited; the loop starts a new one.</summary>
    public async Task StopForRepairAsync()
    {
        if (_agent is not { } agent) return;
        _restartNow = true;
        try { await StopAsync(agent); }
        catch (InvalidOperationException) { } // it exited and was disposed meanwhile
    }

    /// <summary>Waits until the node namespace exists and no repair is under way; false when cancelled.</summary>
    async Task<bool> WaitForNetworkAsync(int? lastExit, CancellationToken ct)
    {
        var saidSo = false;
        while (!networkReady())
        {
            if (!saidSo)
            {
                log($"node agent {node.NodeName}: waiting for the node network (namespace {node.NodeNetns}) to be rebuilt");
                Save(AgentState.WaitingForNetwork, 0, lastExit);
                saidSo = true;
            }
            try { await Task.Delay(250, ct); } catch (OperationCanceledException) { return false; }
        }
        return !ct.IsCancellationRequested;
    }

    void Save(string state, int pid, int? lastExit)
    {
        try { new AgentState { State = state, Pid = pid, Restarts = _restarts, LastExitCode = lastExit, Since = DateTimeOffset.UtcNow }.Save(node.StateDir); }
        catch (IOException e) { log($"node agent {node.NodeName}: cannot write its state: {e.Message}"); }
    }

    /// <summary>
    /// sh -c 'exec "$@" >>log 2>&1' nsenter --net=NODE-NS podway agent ...: the shell, nsenter and the agent are one pid in
    /// turn, and the agent's output goes straight to its log file, which outlives this process.
    /// </summary>
    Process Start()
    {
        var psi = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true };
        string[] args =
        [
            "-c", "exec \"$@\" >>\"$PODWAY_AGENT_LOG\" 2>&1", "sh",
            // nsenter, not `ip netns exec`: that would also give the agent a private mount namespace, and the Pod
            // namespaces it mounts under /run/netns would then be invisible to the host (and to `podway down`).
            "nsenter", $"--net={Netns.PathOf(node.NodeNetns)}", "--",
            podwayExecutable, "agent", "--name", clusterName, "--data-dir", dataDir, "--node", node.Index.ToString(),
        ];
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in secrets) psi.Environment[k] = v;
        psi.Environment["PODWAY_AGENT_LOG"] = LogFile;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the node agent");
        process.StandardInput.Close();
        return process;
    }

    static async Task StopAsync(Process agent)
    {
        if (agent.HasExited) return;
        Posix.kill(agent.Id, Posix.SIGTERM);
        using var grace = new CancellationTokenSource(StopGrace);
        try { await agent.WaitForExitAsync(grace.Token); }
        catch (OperationCanceledException) { agent.Kill(); await agent.WaitForExitAsync(); }
    }

    /// <summary>An agent left by a control plane that died: end it (it is ours: its pid file is in our node's state dir) before starting a new one.</summary>
    void EndStaleAgent()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid)) return;
        if (IsOurAgent(pid, clusterName, dataDir, node.Index)) Posix.kill(pid, Posix.SIGKILL);
    }

    /// <summary>True when pid is `podway agent` of this cluster, data dir and node (pids are reused).</summary>
    public static bool IsOurAgent(int pid, string clusterName, string dataDir, int nodeIndex)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        try { return File.ReadAllText(cmdline).Replace('\0', ' ').Contains($"agent --name {clusterName} --data-dir {dataDir} --node {nodeIndex}"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
