using Podway.HostSystem;

namespace Podway.Cluster;

/// <summary>
/// Finds and stops a cluster's `podway server` process. A pid from the pid file is only trusted when
/// /proc/PID/cmdline shows it is podway's server for this very cluster: pids get reused after a crash.
/// </summary>
internal static class ServerProcess
{
    public static IReadOnlyList<string> ServerArguments(ClusterPaths paths, int apiPort) =>
        ["server", "--name", paths.Name, "--data-dir", paths.DataDir, "--api-port", apiPort.ToString()];

    /// <summary>The running server's pid, or null if the pid file is missing, stale or names another process.</summary>
    public static int? FindRunning(ClusterPaths paths, string dataRoot)
    {
        var pid = ReadPidFile(paths.PidFile);
        return pid is { } p && Posix.IsAlive(p) && IsOurServer(ReadCmdline(p), paths, dataRoot, Cwd(p)) ? p : null;
    }

    /// <summary>Every running podway server (or `up --foreground`) of the given cluster name, with the data dir it runs from.</summary>
    public static IReadOnlyList<(int Pid, string DataDir)> FindAllNamed(string name, string dataRoot)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            if (ServerTarget(ReadCmdline(pid), dataRoot, Cwd(pid)) is { } theirs && theirs.Name == name && Posix.IsAlive(pid))
                found.Add((pid, theirs.DataDir));
        }
        return found;
    }

    static string? Cwd(int pid)
    {
        try { return new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(false)?.FullName; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public static int? ReadPidFile(string pidFile)
    {
        try { return int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && pid > 0 ? pid : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public static IReadOnlyList<string> ReadCmdline(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>
    /// True when argv is `[dotnet podway.dll | .../podway] server ...` or `... up --foreground ...` naming this
    /// cluster's name and data dir once defaults are applied (the same parser as the command line itself).
    /// </summary>
    public static bool IsOurServer(IReadOnlyList<string> argv, ClusterPaths paths, string dataRoot, string? cwd = null) =>
        ServerTarget(argv, dataRoot, cwd) is { } theirs && theirs.Name == paths.Name && theirs.DataDir == Path.GetFullPath(paths.DataDir);

    /// <summary>The cluster a server's argv runs (name and data dir once defaults are applied), or null if argv is no podway server.</summary>
    static ClusterPaths? ServerTarget(IReadOnlyList<string> argv, string dataRoot, string? cwd)
    {
        var program = argv.Select((a, i) => (a, i))
            .FirstOrDefault(x => Path.GetFileName(x.a) is "podway" or "podway.dll", (a: "", i: -1)).i;
        if (program < 0) return null;
        try
        {
            var cmd = Cli.ArgumentParser.Parse(argv.Skip(program + 1).ToList());
            if (cmd is null || cmd.HelpRequested) return null;
            if (cmd.Spec != Cli.CommandSpecs.Server && !(cmd.Spec == Cli.CommandSpecs.Up && cmd.Has("--foreground"))) return null;
            var theirs = Cli.ClusterTarget.Resolve(cmd, dataRoot, cwd);
            return theirs with { DataDir = Path.GetFullPath(theirs.DataDir) };
        }
        catch (Cli.UsageException) { return null; }
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL. Returns true if it had to kill.</summary>
    public static async Task<bool> StopAsync(int pid, TimeSpan grace)
    {
        Posix.kill(pid, Posix.SIGTERM);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline)
        {
            if (!Posix.IsAlive(pid)) return false;
            await Task.Delay(100);
        }
        Posix.kill(pid, Posix.SIGKILL);
        for (var i = 0; i < 50 && Posix.IsAlive(pid); i++) await Task.Delay(100);
        return true;
    }

    /// <summary>Removes the pid file only while it still names <paramref name="pid"/> (a newer server may own it).</summary>
    public static void RemovePidFile(ClusterPaths paths, int pid)
    {
        if (ReadPidFile(paths.PidFile) == pid) File.Delete(paths.PidFile);
    }
}
