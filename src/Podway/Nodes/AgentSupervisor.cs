using System.Diagnostics;
using Podway.HostSystem;
using Podway.Node;

namespace Podway.Nodes;

/// <summary>
/// Keeps one node agent running inside its node's network namespace: `nsenter --net=... podway agent ...`,
/// restarted with back-off when it exits, stopped with SIGTERM on shutdown. The agent's Pods are not its children
/// (each sandbox has its own session), so they outlive an agent restart and the new agent adopts them.
/// </summary>
internal sealed class AgentSupervisor(NodeIdentity node, string podwayExecutable, string clusterName, string dataDir,
    IReadOnlyDictionary<string, string> secrets, Action<string> log)
{
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    string PidFile => Path.Combine(node.StateDir, "agent.pid");
    string LogFile => Path.Combine(dataDir, "logs", $"agent-{node.NodeName}.log");

    public async Task RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(node.StateDir);
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        EndStaleAgent();
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            using var agent = Start();
            var started = DateTime.UtcNow;
            File.WriteAllText(PidFile, $"{agent.Id}\n");
            try
            {
                await agent.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(agent);
                break;
            }
            log($"node agent {node.NodeName} exited with code {agent.ExitCode}; restarting in {backoff.TotalSeconds:0}s (log: {LogFile})");
            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(1)) backoff = TimeSpan.FromSeconds(1);
            try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { break; }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
        try { File.Delete(PidFile); } catch (IOException) { }
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
            "nsenter", $"--net=/run/netns/{node.NodeNetns}", "--",
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
        catch (OperationCanceledException) { agent.Kill(); }
    }

    /// <summary>An agent left by a control plane that died: end it (it is ours: its pid file is in our node's state dir) before starting a new one.</summary>
    void EndStaleAgent()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid)) return;
        var cmdline = $"/proc/{pid}/cmdline";
        if (File.Exists(cmdline) && File.ReadAllText(cmdline).Replace('\0', ' ').Contains($"agent --name {clusterName} --data-dir {dataDir} --node {node.Index}"))
            Posix.kill(pid, Posix.SIGKILL);
    }
}
