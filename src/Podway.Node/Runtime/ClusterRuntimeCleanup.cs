using Podway.Node.Runtime.Cgroups;

namespace Podway.Node.Runtime;

/// <summary>What `podway down` (and tests) remove of a cluster's containers besides its network.</summary>
public static class ClusterRuntimeCleanup
{
    /// <summary>
    /// Removes what the runtime leaves of a cluster, running or crashed: processes in its cgroups, mounts under its data
    /// directory, its cgroups and the runtime's state (and whatever is mounted there, which would make its delete fail
    /// with EBUSY). Only this cluster's: every name carries it.
    /// </summary>
    public static IReadOnlyList<string> Remove(string clusterName, string dataDir)
    {
        var removed = new List<string>();
        var cgroups = new CgroupTree(CgroupHost.Detect(), clusterName, "");
        var relative = CgroupTree.ClusterRelative(clusterName);
        cgroups.KillAll(relative);
        DetachAllUnder(Path.GetFullPath(dataDir));
        if (cgroups.Exists(relative) && cgroups.Remove(relative)) removed.Add($"cgroup {relative}");
        var state = Path.GetDirectoryName(ContainerRuntime.StateRootFor(clusterName, "node"))!;
        DetachAllUnder(state);
        try
        {
            if (Directory.Exists(state)) { Directory.Delete(state, recursive: true); removed.Add($"runtime state {state}"); }
        }
        catch (DirectoryNotFoundException) { } // crun removed the last of it meanwhile
        return removed;

        void DetachAllUnder(string dir)
        {
            foreach (var mount in Mounts.Under(dir))
                if (Mounts.Detach(mount) == 0) removed.Add($"mount {mount}");
        }
    }

}
