using Podway.Cli;

namespace Podway.Cluster;

/// <summary>Creates a data directory (root-only, 0700) or explains why it cannot be used.</summary>
internal static class DataDir
{
    public static void Ensure(ClusterPaths paths)
    {
        try
        {
            if (File.Exists(paths.DataDir)) throw new IOException("it is a file, not a directory");
            Directory.CreateDirectory(paths.DataDir);
            File.SetUnixFileMode(paths.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(paths.LogsDir);
            // Prove we can write there now, rather than failing halfway through `up`.
            var probe = Path.Combine(paths.DataDir, ".podway-write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot use data dir {paths.DataDir}: {e.Message}");
        }
    }

    /// <summary>Deletes the directory only if it is recognisably a podway data dir, so a typo in --data-dir cannot wipe a home.</summary>
    public static bool Purge(ClusterPaths paths)
    {
        if (!Directory.Exists(paths.DataDir)) return false;
        if (!File.Exists(paths.ConfigFile) && Directory.EnumerateFileSystemEntries(paths.DataDir).Any())
            throw new CliException($"{paths.DataDir} does not look like a podway data dir (no cluster.json); not deleting it");
        Directory.Delete(paths.DataDir, recursive: true);
        return true;
    }
}
