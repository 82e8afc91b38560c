using System.Text.RegularExpressions;
using Podway.Cluster;

namespace Podway.Cli;

/// <summary>Resolves --name and --data-dir into the cluster a command acts on.</summary>
internal static partial class ClusterTarget
{
    public const string DefaultName = "podway";

    // The name is part of kernel interface names (pw<name>-xx), which Linux caps at 15 characters.
    [GeneratedRegex("^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$")]
    private static partial Regex NamePattern();

    /// <param name="baseDir">what a relative --data-dir is relative to (another process's cwd when reading its cmdline)</param>
    public static ClusterPaths Resolve(ParsedCommand cmd, string dataRoot, string? baseDir = null)
    {
        var name = cmd.Value("--name") ?? DefaultName;
        if (!NamePattern().IsMatch(name))
            throw new UsageException(
                $"invalid cluster name \"{name}\": use 1-10 characters of a-z, 0-9 and '-', starting with a letter " +
                "(it becomes part of network interface names, which Linux limits to 15 characters)");
        var dataDir = cmd.Value("--data-dir") is { } d
            ? Path.GetFullPath(d, baseDir ?? Directory.GetCurrentDirectory())
            : Path.Combine(dataRoot, name);
        return new ClusterPaths(name, dataDir);
    }

    public static int? ApiPortFlag(ParsedCommand cmd)
    {
        if (cmd.Value("--api-port") is not { } raw) return null;
        if (!int.TryParse(raw, out var port) || port is < 1 or > 65535)
            throw new UsageException($"invalid value \"{raw}\" for --api-port: must be a port number from 1 to 65535");
        return port;
    }
}
