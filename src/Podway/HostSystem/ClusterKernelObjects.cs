namespace Podway.HostSystem;

/// <summary>
/// The one place that knows how a cluster's kernel objects are named, and removes them all: network
/// namespaces, links (bridges, veths) and nftables tables. Names are `podway-NAME`, `podway-NAME-*`,
/// `pwNAME` or `pwNAME-*` (the short form fits Linux's 15-character interface names). Matching stops at
/// the '-' so cluster "a" never touches cluster "ab". Used by `podway down` and by tests after a crash.
/// </summary>
public static class ClusterKernelObjects
{
    public static IReadOnlyList<string> Prefixes(string clusterName) => [$"podway-{clusterName}", $"pw{clusterName}"];

    public static bool BelongsTo(string objectName, string clusterName) =>
        Prefixes(clusterName).Any(p => objectName == p || objectName.StartsWith(p + "-", StringComparison.Ordinal));

    /// <summary>Removes every object of the cluster; returns what was removed ("netns X", "link Y", "nft table inet Z").</summary>
    /// <exception cref="IOException">when something of the cluster could not be removed (all others are still removed).</exception>
    public static IReadOnlyList<string> RemoveAll(string clusterName)
    {
        var removed = new List<string>();
        var failures = new List<string>();
        void Try(string what, string file, params string[] args)
        {
            var r = HostCommand.Run(file, args);
            if (r.Ok) removed.Add(what);
            else failures.Add($"{what}: {r.Stderr.Trim()}");
        }

        // nft tables first, so no rule refers to a link while it disappears.
        if (HostCommand.Exists("nft"))
            foreach (var (family, table) in NftTables().Where(t => BelongsTo(t.Table, clusterName)))
                Try($"nft table {family} {table}", "nft", "delete", "table", family, table);
        foreach (var link in Links().Where(l => BelongsTo(l, clusterName)))
        {
            // Deleting one end of a veth pair deletes its peer too.
            if (Links().Contains(link)) Try($"link {link}", "ip", "link", "delete", link);
        }
        // Everything still running inside the cluster's namespaces (node agents, pod holders, containers) was started
        // by this cluster: end it, agents first, before any namespace goes.
        var namespaces = Namespaces().Where(n => BelongsTo(n, clusterName)).ToList();
        var podPrefix = $"podway-{clusterName}-pod-";
        Podway.Node.Network.Netns.KillAllIn(
            namespaces.Where(n => !n.StartsWith(podPrefix, StringComparison.Ordinal)).ToList(),
            namespaces.Where(n => n.StartsWith(podPrefix, StringComparison.Ordinal)).ToList());
        foreach (var ns in Namespaces().Where(n => BelongsTo(n, clusterName)))
            Try($"netns {ns}", "ip", "netns", "delete", ns);

        if (failures.Count > 0)
            throw new IOException($"could not remove kernel objects of cluster {clusterName}:\n  " + string.Join("\n  ", failures));
        return removed;
    }

    /// <summary>`ip netns list` prints "NAME" or "NAME (id: N)".</summary>
    static IEnumerable<string> Namespaces() =>
        Lines(HostCommand.Run("ip", "netns", "list")).Select(l => l.Split(' ')[0]);

    /// <summary>`ip -o link` prints "N: NAME@PEER: &lt;FLAGS&gt; ...".</summary>
    static IEnumerable<string> Links() =>
        Lines(HostCommand.Run("ip", "-o", "link")).Select(l => l.Split(':')[1].Trim().Split('@')[0]).ToList();

    /// <summary>`nft list tables` prints "table FAMILY NAME".</summary>
    static IEnumerable<(string Family, string Table)> NftTables() =>
        Lines(HostCommand.Run("nft", "list", "tables")).Select(l => l.Split(' ')).Where(f => f.Length == 3).Select(f => (f[1], f[2]));

    static IEnumerable<string> Lines(CommandResult r) =>
        r.Ok ? r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
}
