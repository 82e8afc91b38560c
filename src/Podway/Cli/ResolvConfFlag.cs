namespace Podway.Cli;

/// <summary>
/// `--resolv-conf PATH`, as the kubelet's flag: the host resolv.conf whose resolvers the cluster's node resolver
/// forwards to. An empty value means none (names outside the cluster get SERVFAIL at once).
/// </summary>
internal static class ResolvConfFlag
{
    public const string Name = "--resolv-conf";
    public const string Default = "/etc/resolv.conf";

    /// <summary>Null when the flag is absent, "" for none, else the file's absolute path (the server runs elsewhere).</summary>
    public static string? Parse(ParsedCommand cmd)
    {
        if (cmd.Value(Name) is not { } raw) return null;
        if (raw.Length == 0) return "";
        var path = Path.GetFullPath(raw);
        if (Directory.Exists(path) || !File.Exists(path))
            throw new UsageException($"invalid value \"{raw}\" for {Name}: no such file (give \"\" for no upstream resolvers)");
        return path;
    }

    /// <summary>What a cluster's stored setting means: null (clusters made before the flag) is the default file.</summary>
    public static string Effective(string? stored) => stored ?? Default;
}
