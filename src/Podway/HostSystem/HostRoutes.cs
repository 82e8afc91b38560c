namespace Podway.HostSystem;

/// <summary>The destinations the host routes now (`ip -o route`): ranges a new cluster must not take.</summary>
internal static class HostRoutes
{
    /// <summary>
    /// Whether a range is routed exactly as given, e.g. "10.250.1.0/24" by another cluster's bridge: also a cluster
    /// this data root does not know of (started with a --data-dir elsewhere, or whose data dir is gone).
    /// </summary>
    public static Func<string, bool> Current()
    {
        var result = HostCommand.Run("ip", ["-o", "-4", "route", "show"]);
        var routed = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2)[0])
            .ToHashSet(StringComparer.Ordinal);
        return routed.Contains;
    }
}
