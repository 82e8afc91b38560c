using Podway.Cli;

namespace Podway.Cluster;

/// <summary>
/// Establishes, before a command changes anything, that a cluster name and a data dir belong together. Kernel
/// objects carry only the cluster's name (podway-NAME-*, pwNAME-*), so acting on a name with the wrong data dir
/// would destroy another cluster's network: the data dir's cluster.json must name the cluster, and no server of
/// the same name may be running from another data dir.
/// </summary>
internal static class ClusterOwnership
{
    /// <summary>For commands that remove things (`down`): the data dir must hold this cluster's cluster.json.</summary>
    public static ClusterConfig RequireExisting(ClusterPaths paths, string dataRoot)
    {
        var config = LoadOrExplain(paths)
            ?? throw new CliException(
                $"{paths.DataDir} is not the data dir of cluster \"{paths.Name}\" (it has no cluster.json); nothing was touched. " +
                "Give the --name and --data-dir the cluster was started with.");
        RequireSameName(paths, config);
        RequireNameNotHeldElsewhere(paths, dataRoot);
        return config;
    }

    /// <summary>For commands that create or start (`up`, `server`): a data dir of another cluster, or a name in use elsewhere, is refused.</summary>
    public static void RequireNotForeign(ClusterPaths paths, string dataRoot)
    {
        if (LoadOrExplain(paths) is { } config) RequireSameName(paths, config);
        RequireNameNotHeldElsewhere(paths, dataRoot);
    }

    static ClusterConfig? LoadOrExplain(ClusterPaths paths)
    {
        try { return ClusterConfig.Load(paths.ConfigFile); }
        catch (UnauthorizedAccessException) { throw new CliException($"cannot read {paths.ConfigFile}: permission denied"); }
    }

    static void RequireSameName(ClusterPaths paths, ClusterConfig config)
    {
        if (config.Name != paths.Name)
            throw new CliException(
                $"data dir {paths.DataDir} belongs to cluster \"{config.Name}\", not \"{paths.Name}\"; nothing was touched. " +
                $"Use --name {config.Name} for that cluster, or the data dir of cluster \"{paths.Name}\".");
    }

    static void RequireNameNotHeldElsewhere(ClusterPaths paths, string dataRoot)
    {
        foreach (var (pid, dataDir) in ServerProcess.FindAllNamed(paths.Name, dataRoot))
            if (dataDir != Path.GetFullPath(paths.DataDir))
                throw new CliException(
                    $"a cluster named \"{paths.Name}\" is running from another data dir, {dataDir} (server pid {pid}); its kernel objects " +
                    $"carry the same name, so nothing was touched. Use --data-dir {dataDir} for that cluster, or another --name.");
    }
}
