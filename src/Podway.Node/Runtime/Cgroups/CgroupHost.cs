namespace Podway.Node.Runtime.Cgroups;

/// <summary>
/// The host's cgroup layout, read once: the unified (v2) hierarchy, or the v1 hierarchies by controller. Containers'
/// cgroups are podway's own (crun runs with --cgroup-manager=disabled), so one code path serves both layouts.
/// </summary>
internal sealed class CgroupHost
{
    const string Root = "/sys/fs/cgroup";
    /// <summary>The v1 controllers podway sets limits in or reads usage from.</summary>
    static readonly string[] V1Controllers = ["memory", "cpu", "cpuacct", "pids"];

    CgroupHost(bool unified, IReadOnlyDictionary<string, string> v1Mounts)
    {
        Unified = unified;
        V1Mounts = v1Mounts;
    }

    public bool Unified { get; }
    /// <summary>v1: controller -> mount point (cpu and cpuacct may share one).</summary>
    public IReadOnlyDictionary<string, string> V1Mounts { get; }

    /// <summary>Every hierarchy a container's processes are placed in (each of these gets the container's directory).</summary>
    public IReadOnlyList<string> Hierarchies => Unified ? [Root] : [.. V1Mounts.Values.Distinct()];

    public static CgroupHost Detect()
    {
        if (File.Exists(Path.Combine(Root, "cgroup.controllers"))) return new CgroupHost(true, new Dictionary<string, string>());
        var mounts = new Dictionary<string, string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "... MOUNTPOINT OPTIONS ... - cgroup cgroup rw,memory"
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var tail = line[(sep + 3)..].Split(' ');
            if (tail.Length < 3 || tail[0] != "cgroup") continue;
            var mountPoint = line[..sep].Split(' ')[4];
            foreach (var option in tail[2].Split(','))
                if (V1Controllers.Contains(option)) mounts.TryAdd(option, mountPoint);
        }
        if (!mounts.ContainsKey("memory") || !mounts.ContainsKey("pids"))
            throw new IOException("neither a cgroup v2 hierarchy at /sys/fs/cgroup nor v1 memory and pids hierarchies are mounted");
        return new CgroupHost(false, mounts);
    }

    public string V1(string controller, string relative) =>
        Path.Combine(V1Mounts.TryGetValue(controller, out var m) ? m : throw new IOException($"no cgroup v1 {controller} hierarchy"), relative);

    /// <summary>
    /// crun refuses a hybrid layout whose v2 hierarchy still holds controllers ("cgroups in hybrid mode not supported,
    /// drop all controllers from cgroupv2"). A controller the v2 side has but does not use (hugetlb on some kernels)
    /// moves to a v1 hierarchy of its own when mounted there, which is systemd's hybrid layout; nothing else changes.
    /// </summary>
    public void PrepareHybridForCrun(Action<string>? log)
    {
        if (Unified) return;
        var unified = Path.Combine(Root, "unified");
        var controllersFile = Path.Combine(unified, "cgroup.controllers");
        if (!File.Exists(controllersFile)) return;
        var inUse = File.ReadAllText(Path.Combine(unified, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var controller in File.ReadAllText(controllersFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (inUse.Contains(controller)) continue;
            var target = Path.Combine(Root, controller);
            Directory.CreateDirectory(target);
            var rc = Mounts.Mount("cgroup", target, "cgroup", 0, controller);
            log?.Invoke(rc == 0
                ? $"cgroups: mounted the unused v2 controller {controller} as a v1 hierarchy at {target} (crun needs a v2 side without controllers)"
                : $"cgroups: could not move controller {controller} to v1 at {target} (errno {rc}); crun may refuse to start containers");
        }
    }
}
