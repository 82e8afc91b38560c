using Podway.Cluster;
using Podway.HostSystem;

namespace Podway.Cli;

/// <summary>
/// `podway down`: stops the server, removes the cluster's kernel objects, and with --purge its data and kubeconfig
/// entries; only once the name and data dir are shown to belong together (ClusterOwnership), else it touches nothing.
/// </summary>
internal static class DownCommand
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        ctx.RequireRoot("down", "it removes network namespaces and nftables rules");
        // Before anything is stopped or removed: the kernel objects go by name, so the name must be this data dir's.
        ClusterOwnership.RequireExisting(paths, ctx.DataRoot);

        // The supervisor first, so that it does not start the server again once it stops.
        if (ServerSupervisor.FindRunning(paths) is { } supervisor) Posix.kill(supervisor, Posix.SIGTERM);
        if (ServerProcess.FindRunning(paths, ctx.DataRoot) is { } pid)
        {
            var killed = await ServerProcess.StopAsync(pid, Grace);
            ServerProcess.RemovePidFile(paths, pid);
            ctx.Out.WriteLine(killed
                ? $"cluster {paths.Name}: server (pid {pid}) did not stop within {Grace.TotalSeconds:0} s and was killed"
                : $"cluster {paths.Name}: stopped (pid {pid})");
        }
        else
        {
            // A stale pid file (crash, or a reused pid) is removed; the process it names is left alone.
            if (File.Exists(paths.PidFile)) File.Delete(paths.PidFile);
            ctx.Out.WriteLine($"cluster {paths.Name} is not running");
        }

        try
        {
            // Containers first (every process in the cluster's cgroups, their root overlays, the OCI runtime's state),
            // then the network they used: that too when some runtime state could not go, so that no Pod's process or
            // namespace outlives down.
            IOException? runtimeFailure = null;
            try
            {
                foreach (var removed in Podway.Node.Runtime.ClusterRuntimeCleanup.Remove(paths.Name, paths.DataDir))
                    ctx.Out.WriteLine($"  removed {removed}");
            }
            catch (IOException e) { runtimeFailure = e; }
            foreach (var removed in ClusterKernelObjects.RemoveAll(paths.Name))
                ctx.Out.WriteLine($"  removed {removed}");
            if (runtimeFailure is not null) throw runtimeFailure;
        }
        catch (IOException e) { throw new CliException(e.Message); }

        if (cmd.Has("--purge"))
        {
            if (DataDir.Purge(paths)) ctx.Out.WriteLine($"  deleted {paths.DataDir}");
            ClusterTarget.Forget(paths, ctx.DataRoot);
            if (ClusterKubeconfig.RemoveFromUser(paths, ctx) is { } file)
                ctx.Out.WriteLine($"  removed context {paths.ContextName} from {file}");
        }
        return 0;
    }
}
