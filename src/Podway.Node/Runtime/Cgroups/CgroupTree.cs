namespace Podway.Node.Runtime.Cgroups;

/// <summary>
/// podway's cgroups on one node: podway-&lt;cluster&gt;/&lt;node&gt;/pod&lt;uid&gt;/&lt;container-id&gt; in every hierarchy the host
/// has (the kubelet's kubepods/pod&lt;uid&gt;/&lt;container&gt;). A container's directory is made before it starts (the shim
/// moves itself in, so crun and the container inherit it) and removed once its processes are gone.
/// </summary>
internal sealed class CgroupTree(CgroupHost host, string clusterName, string nodeName)
{
    /// <summary>The kubelet leaves pids unlimited by default; a fork bomb in one Pod should not starve the node.</summary>
    public const long PodPidsLimit = 4096;

    public CgroupHost Host => host;
    public string NodeRelative => $"podway-{clusterName}/{nodeName}";
    public static string ClusterRelative(string clusterName) => $"podway-{clusterName}";
    public string PodRelative(string podUid) => $"{NodeRelative}/pod{podUid}";
    public string ContainerRelative(string podUid, string containerId) => $"{PodRelative(podUid)}/{containerId}";

    /// <summary>The pod's cgroup, with the pids limit; idempotent.</summary>
    public void EnsurePod(string podUid)
    {
        var relative = PodRelative(podUid);
        foreach (var dir in Dirs(relative)) Directory.CreateDirectory(dir);
        if (host.Unified)
        {
            EnableControllers(NodeRelative.Split('/')[0]);
            EnableControllers(NodeRelative);
            EnableControllers(relative);
            Write(Path.Combine("/sys/fs/cgroup", relative, "pids.max"), PodPidsLimit.ToString());
        }
        else Write(host.V1("pids", relative) + "/pids.max", PodPidsLimit.ToString());
    }

    /// <summary>Creates the container's cgroup with its limits; returns the cgroup.procs files its processes must join.</summary>
    public IReadOnlyList<string> CreateContainer(string podUid, string containerId, ContainerResources resources)
    {
        EnsurePod(podUid);
        var relative = ContainerRelative(podUid, containerId);
        foreach (var dir in Dirs(relative)) Directory.CreateDirectory(dir);
        if (host.Unified)
        {
            var dir = Path.Combine("/sys/fs/cgroup", relative);
            Write(dir + "/cpu.weight", resources.CpuWeight.ToString());
            if (resources.CpuQuotaMicros is { } q) Write(dir + "/cpu.max", $"{q} {ContainerResources.CpuPeriodMicros}");
            if (resources.MemoryLimitBytes is { } m) { Write(dir + "/memory.max", m.ToString()); Write(dir + "/memory.swap.max", "0"); }
        }
        else
        {
            Write(host.V1("cpu", relative) + "/cpu.shares", resources.CpuShares.ToString());
            if (resources.CpuQuotaMicros is { } q)
            {
                Write(host.V1("cpu", relative) + "/cpu.cfs_period_us", ContainerResources.CpuPeriodMicros.ToString());
                Write(host.V1("cpu", relative) + "/cpu.cfs_quota_us", q.ToString());
            }
            if (resources.MemoryLimitBytes is { } m)
            {
                Write(host.V1("memory", relative) + "/memory.limit_in_bytes", m.ToString());
                // No swap beyond the limit where the kernel accounts it, as the kubelet's default (swap off).
                var memsw = host.V1("memory", relative) + "/memory.memsw.limit_in_bytes";
                if (File.Exists(memsw)) Write(memsw, m.ToString());
            }
        }
        return ProcsFiles(relative);
    }

    public IReadOnlyList<string> ProcsFiles(string relative) => [.. Dirs(relative).Select(d => d + "/cgroup.procs")];

    /// <summary>Whether the kernel's OOM killer killed a process of this container (memory.events or memory.oom_control).</summary>
    public bool OomKilled(string podUid, string containerId)
    {
        var relative = ContainerRelative(podUid, containerId);
        var file = host.Unified ? Path.Combine("/sys/fs/cgroup", relative, "memory.events") : host.V1("memory", relative) + "/memory.oom_control";
        try
        {
            return File.ReadLines(file).Select(l => l.Split(' ')).Any(f => f.Length == 2 && f[0] == "oom_kill" && f[1] != "0");
        }
        catch (IOException) { return false; }
    }

    public bool Exists(string relative) => Dirs(relative).Any(Directory.Exists);

    /// <summary>SIGKILLs whatever still runs in the cgroup (a container of a shared PID namespace leaves no init to take its children).</summary>
    public void KillAll(string relative)
    {
        var all = Dirs(relative).SelectMany(d => Tree(d)).Select(d => d + "/cgroup.procs");
        foreach (var procs in all)
        {
            try
            {
                foreach (var line in File.ReadLines(procs))
                    if (int.TryParse(line, out var pid)) Native.Signal(pid, Native.SIGKILL);
            }
            catch (IOException) { }
        }
    }

    /// <summary>Removes the cgroup and everything under it, deepest first; a directory that still has processes stays (false).</summary>
    public bool Remove(string relative)
    {
        // Killed processes take a moment to leave their cgroup.
        for (var i = 0; i < 40; i++)
        {
            if (TryRemove(relative)) return true;
            Thread.Sleep(25);
        }
        return TryRemove(relative);
    }

    bool TryRemove(string relative)
    {
        var ok = true;
        foreach (var top in Dirs(relative))
        {
            foreach (var dir in Tree(top).OrderByDescending(d => d.Length))
            {
                try { Directory.Delete(dir); }
                catch (DirectoryNotFoundException) { }
                catch (IOException) { ok = false; }
            }
        }
        return ok;
    }

    /// <summary>A directory and everything under it (none when it is gone); the agent and crun remove cgroups concurrently.</summary>
    static List<string> Tree(string top)
    {
        try { return Directory.Exists(top) ? [.. Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories), top] : []; }
        catch (IOException) { return Directory.Exists(top) ? [top] : []; }
    }

    IEnumerable<string> Dirs(string relative) => host.Hierarchies.Select(h => Path.Combine(h, relative));

    void EnableControllers(string relative)
    {
        // v2: children get cpu/memory/pids only when their parent delegates them; best effort where the root lacks one.
        var file = Path.Combine("/sys/fs/cgroup", relative, "cgroup.subtree_control");
        foreach (var controller in new[] { "cpu", "memory", "pids" })
        {
            try { File.WriteAllText(file, "+" + controller); } catch (IOException) { }
        }
    }

    static void Write(string file, string value)
    {
        try { File.WriteAllText(file, value); }
        catch (IOException e) { throw new IOException($"cannot set {file} to {value}: {e.Message}", e); }
    }
}
