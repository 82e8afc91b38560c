using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podway.Node.Network;

namespace Podway.Node.Sandbox;

/// <summary>
/// Pod sandboxes of one node (see IPodSandboxes): a network namespace wired by the node's CNI configuration (its
/// bridge and loopback steps run in the agent, BridgePlugin), and a holder process (the pause container's role) in
/// that network namespace with its own UTS, IPC and PID namespaces: the hostname is set there, and containers join
/// its network, UTS and IPC namespaces (and its PID namespace with shareProcessNamespace). Containers get the Pod's
/// hosts, hostname and resolv.conf bound into their roots by the runtime; Enter binds them over /etc for its process.
/// State lives under &lt;StateDir&gt;/sandboxes and &lt;StateDir&gt;/pods, so a restarted agent adopts what runs.
/// </summary>
public sealed partial class PodSandboxes : IPodSandboxes
{
    const string IfName = "eth0";
    static readonly TimeSpan HolderStartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs in the holder, PID 1 of the Pod's PID namespace: set the hostname, report its pid as the host sees it
    /// (/proc is the host's, so /proc/self/stat read by the shell itself names it), then reap orphans forever (as pause
    /// does for a shared PID namespace) with no pipe left open to the agent (so the agent may restart). $1 hostname.
    /// No mount namespace: containers have their own, and each mount(8) here was a process per Pod.
    /// </summary>
    const string HolderScript =
        """
        set -e
        echo "$1" > /proc/sys/kernel/hostname
        read -r pid rest < /proc/self/stat
        echo "$pid"
        exec </dev/null >/dev/null 2>&1
        set +e
        while :; do sleep 2147483647 & wait $!; done
        """;

    /// <summary>Enter's process: in a mount namespace of its own, the Pod's files over /etc, then $3... in directory $2. $1 the Pod's etc dir.</summary>
    const string EnterScript =
        """
        set -e
        /usr/bin/mount --bind "$1/hosts" /etc/hosts
        /usr/bin/mount --bind "$1/resolv.conf" /etc/resolv.conf
        if [ -e /etc/hostname ]; then /usr/bin/mount --bind "$1/hostname" /etc/hostname; fi
        dir=$2
        shift 2
        exec /usr/bin/env --chdir="$dir" "$@"
        """;

    readonly NodeIdentity node;
    readonly SandboxStateStore store;
    readonly CniRuntime cni;
    readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new();
    // Holders this process started; kept so the runtime reaps them when they exit.
    readonly ConcurrentDictionary<string, Process> holders = new();

    public PodSandboxes(NodeIdentity node, string cniPluginDir = NodeNetwork.CniPluginDir)
    {
        this.node = node;
        store = new SandboxStateStore(Path.Combine(node.StateDir, "sandboxes"));
        cni = new CniRuntime(cniPluginDir, node.NodeNetns);
    }

    public string NetnsNameFor(string podUid) => node.PodNetnsPrefix + podUid[..Math.Min(12, podUid.Length)];

    public async Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken ct)
    {
        CheckUid(spec.PodUid);
        var gate = locks.GetOrAdd(spec.PodUid, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (store.Load(spec.PodUid) is { } existing)
            {
                if (Alive(existing) is { } info) return info;
                await RemoveCoreAsync(spec.PodUid, ct); // half-created or its holder died: start over
            }
            try { return await CreateCoreAsync(spec, ct); }
            catch
            {
                // Undo what was made; the creation error is the one worth reporting.
                try { await RemoveCoreAsync(spec.PodUid, CancellationToken.None); } catch (IOException) { }
                throw;
            }
        }
        finally { gate.Release(); }
    }

    async Task<SandboxInfo> CreateCoreAsync(SandboxSpec spec, CancellationToken ct)
    {
        var netns = NetnsNameFor(spec.PodUid);
        var portMappings = new JsonArray(spec.HostPorts.Select(p => (JsonNode)PortMapping(p)).ToArray());
        var state = new SandboxState { PodUid = spec.PodUid, NetnsName = netns, PortMappings = portMappings };
        store.Save(state);

        await Netns.EnsureAsync(netns, ct);
        var netnsPath = Netns.PathOf(netns);
        await cni.ExecAsync("ADD", CniRuntime.Loopback, spec.PodUid, netnsPath, "lo", ct);
        var result = await cni.AddListAsync(LoadConflist(), spec.PodUid, netnsPath, IfName,
            new JsonObject { ["portMappings"] = portMappings.DeepClone() }, ct);
        var podIp = CniRuntime.PodIp(result, IfName);
        // Not saved until the holder runs (each save is a new file): a crash before that leaves a "creating" record,
        // which is removed with a DEL that needs no prevResult.
        state = state with { CniResult = result, PodIp = podIp.ToString() };

        var etcDir = EtcDir(spec.PodUid);
        PodEtcFiles.Write(etcDir,
            PodEtcFiles.Hosts(podIp, spec.Hostname, spec.Subdomain, spec.Namespace, node.ClusterDomain, spec.HostAliases),
            spec.Hostname, spec.ResolvConf);
        var (pid, startTime) = await StartHolderAsync(spec.PodUid, netns, spec.Hostname, ct);
        state = state with { Phase = "ready", HolderPid = pid, HolderStartTime = startTime };
        store.Save(state);
        return new SandboxInfo(spec.PodUid, netns, netnsPath, pid, podIp) { EtcDir = etcDir };
    }

    async Task<(int Pid, long StartTime)> StartHolderAsync(string podUid, string netns, string hostname, CancellationToken ct)
    {
        // setsid: the holder must outlive the agent and not get the agent's terminal signals. It starts in the Pod's
        // network namespace (NetnsThread), so no `ip netns exec` or nsenter process either.
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "unshare", "--uts", "--ipc", "--pid", "--fork", "--",
                     "sh", "-c", HolderScript, "podway-sandbox", hostname })
            psi.ArgumentList.Add(a);
        var p = await NetnsThread.StartInAsync(Netns.PathOf(netns), psi);
        p.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HolderStartTimeout);
        string? line;
        try { line = await p.StandardOutput.ReadLineAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            throw new IOException($"sandbox holder for {podUid} did not start within {HolderStartTimeout.TotalSeconds}s");
        }
        if (line is null || !int.TryParse(line, out var pid))
        {
            await p.WaitForExitAsync(CancellationToken.None);
            throw new IOException($"sandbox holder for {podUid} failed: {(await p.StandardError.ReadToEndAsync(CancellationToken.None)).Trim()}");
        }
        holders[podUid] = p;
        return (pid, ProcStat.StartTime(pid) ?? throw new IOException($"sandbox holder {pid} for {podUid} exited right away"));
    }

    public async Task RemoveAsync(string podUid, CancellationToken ct)
    {
        CheckUid(podUid);
        var gate = locks.GetOrAdd(podUid, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try { await RemoveCoreAsync(podUid, ct); }
        finally { gate.Release(); }
    }

    /// <summary>Works from whatever exists: state or not, netns or not, holder or not.</summary>
    async Task RemoveCoreAsync(string podUid, CancellationToken ct)
    {
        var state = store.Load(podUid);
        var netns = state?.NetnsName ?? NetnsNameFor(podUid);
        if (state is { HolderPid: > 0 } && ProcStat.IsSameProcess(state.HolderPid, state.HolderStartTime))
        {
            Netns.Kill(state.HolderPid, Netns.SigKill);
            Netns.WaitGone([state.HolderPid], TimeSpan.FromSeconds(5));
        }
        if (Netns.Exists(netns)) Netns.KillAll(netns);
        if (holders.TryRemove(podUid, out var holder)) holder.Dispose();

        var netnsPath = Netns.Exists(netns) ? Netns.PathOf(netns) : null;
        // Without the node (torn down) or its conflist there is nothing CNI could release: its veths and IPAM went with it.
        var conflist = File.Exists(CniConflist.PathFor(node)) && Netns.Exists(node.NodeNetns) ? LoadConflist() : null;
        if (conflist is not null)
        {
            await cni.DelListAsync(conflist, podUid, netnsPath, IfName,
                new JsonObject { ["portMappings"] = state?.PortMappings.DeepClone() ?? new JsonArray() }, state?.CniResult, ct);
        }
        if (conflist is not null && netnsPath is not null) await cni.ExecAsync("DEL", CniRuntime.Loopback, podUid, netnsPath, "lo", ct);
        Netns.Delete(netns);

        var podDir = Path.GetDirectoryName(EtcDir(podUid))!;
        if (Directory.Exists(podDir)) Directory.Delete(podDir, recursive: true);
        store.Delete(podUid);
        locks.TryRemove(podUid, out _);
    }

    public IReadOnlyList<SandboxInfo> List() =>
        store.PodUids().Select(store.Load).OfType<SandboxState>().Select(Alive).OfType<SandboxInfo>().ToList();

    /// <summary>Every Pod uid with state on this node, healthy or not: what a restarted agent must adopt or remove.</summary>
    public IReadOnlyList<string> KnownPodUids() => store.PodUids();

    public ProcessStartInfo Enter(SandboxInfo sandbox, string file, IEnumerable<string> args) => Enter(sandbox, file, args, null);

    /// <summary>As Enter, starting in workingDir.</summary>
    public ProcessStartInfo Enter(SandboxInfo sandbox, string file, IEnumerable<string> args, string? workingDir)
    {
        var psi = new ProcessStartInfo("/usr/bin/nsenter") { UseShellExecute = false };
        foreach (var a in new[] { "--target", sandbox.HolderPid.ToString(), "--net", "--uts", "--ipc", "--",
                     "/usr/bin/unshare", "--mount", "--propagation", "private", "--",
                     "/bin/sh", "-c", EnterScript, "podway-enter", sandbox.EtcDir ?? EtcDir(sandbox.PodUid), workingDir ?? "/", file })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Clear(); // the caller sets the container's environment
        return psi;
    }

    SandboxInfo? Alive(SandboxState s) =>
        s.Phase == "ready" && s.PodIp is not null && Netns.Exists(s.NetnsName) && ProcStat.IsSameProcess(s.HolderPid, s.HolderStartTime)
            ? new SandboxInfo(s.PodUid, s.NetnsName, Netns.PathOf(s.NetnsName), s.HolderPid, IPAddress.Parse(s.PodIp)) { EtcDir = EtcDir(s.PodUid) }
            : null;

    JsonObject LoadConflist()
    {
        var path = CniConflist.PathFor(node);
        return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new IOException($"{path} is not a CNI conflist");
    }

    string EtcDir(string podUid) => Path.Combine(node.StateDir, "pods", podUid, "etc");

    static JsonObject PortMapping(HostPortMapping p)
    {
        var m = new JsonObject { ["hostPort"] = p.HostPort, ["containerPort"] = p.ContainerPort, ["protocol"] = p.Protocol.ToLowerInvariant() };
        if (!string.IsNullOrEmpty(p.HostIp)) m["hostIP"] = p.HostIp;
        return m;
    }

    static void CheckUid(string podUid)
    {
        if (!SafeUid().IsMatch(podUid)) throw new ArgumentException($"pod uid {podUid} is not usable as a CNI container id", nameof(podUid));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex SafeUid();
}
