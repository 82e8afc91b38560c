using Podway.Cli;

namespace Podway.Cluster;

/// <summary>Decides a cluster's settings: the persisted ones when it exists (flags must agree), else fresh defaults.</summary>
internal static class ClusterConfigResolver
{
    // Node networks are 10.250.<index>.0/24; each cluster takes the lowest index no other cluster uses.
    // Pod ranges: the first cluster gets Kubernetes' default 10.244.0.0/16, later ones 10.201-10.243, clear of
    // the Service range (10.96/12) and the node networks (10.250/16), so host routes of clusters never collide.
    const int MaxClusters = 44;

    public static ClusterConfig Resolve(ClusterPaths paths, int? apiPortFlag, IEnumerable<ClusterConfig> otherClusters, DateTimeOffset now)
    {
        var existing = ClusterConfig.Load(paths.ConfigFile);
        if (existing is not null)
        {
            if (existing.Name != paths.Name)
                throw new CliException(
                    $"data dir {paths.DataDir} belongs to cluster \"{existing.Name}\", not \"{paths.Name}\"; use --name {existing.Name} or another --data-dir");
            if (apiPortFlag is { } p && p != existing.ApiPort)
                throw new CliException(
                    $"cluster {paths.Name} was created with --api-port {existing.ApiPort} (see {paths.ConfigFile}); " +
                    $"leave the flag out, or run podway down --name {paths.Name} --purge to start over");
            return existing;
        }

        var others = otherClusters.ToList();
        var used = others.Select(c => c.NodeCidr).ToHashSet();
        var index = Enumerable.Range(0, MaxClusters).FirstOrDefault(i => !used.Contains(NodeCidr(i)), -1);
        if (index < 0) throw new CliException($"all {MaxClusters} node networks 10.250.0.0/16 are taken by other clusters");
        return new ClusterConfig
        {
            Name = paths.Name,
            ApiPort = apiPortFlag ?? ClusterConfig.DefaultApiPort,
            PodCidr = index == 0 ? ClusterConfig.DefaultPodCidr : $"10.{200 + index}.0.0/16",
            ServiceCidr = ClusterConfig.DefaultServiceCidr,
            NodeCidr = NodeCidr(index),
            AdvertiseAddress = $"10.250.{index}.1",
            Created = now,
        };
    }

    static string NodeCidr(int index) => $"10.250.{index}.0/24";

    /// <summary>Configs of the other clusters under the data root (best effort: unreadable ones are skipped).</summary>
    public static IEnumerable<ClusterConfig> OthersUnder(string dataRoot, ClusterPaths self)
    {
        if (!Directory.Exists(dataRoot)) yield break;
        // clusters under the data root, and those started with --data-dir elsewhere (remembered in .locations/)
        var locations = Path.Combine(dataRoot, ".locations");
        var remembered = Directory.Exists(locations)
            ? Directory.EnumerateFiles(locations).Select(f => { try { return File.ReadAllText(f).Trim(); } catch (IOException) { return ""; } }).Where(d => d.Length > 0)
            : [];
        foreach (var dir in Directory.EnumerateDirectories(dataRoot).Where(d => Path.GetFileName(d) != ".locations").Concat(remembered).Distinct())
        {
            if (Path.GetFullPath(dir) == Path.GetFullPath(self.DataDir)) continue;
            ClusterConfig? c = null;
            try { c = ClusterConfig.Load(Path.Combine(dir, "cluster.json")); }
            catch (Exception e) when (e is CliException or IOException or UnauthorizedAccessException) { }
            if (c is not null) yield return c;
        }
    }
}
