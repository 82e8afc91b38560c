using System.Diagnostics;

namespace Podway.Cluster;

/// <summary>
/// Starts `podway supervise` (which runs `podway server` and restarts it if it dies) detached: its own session
/// (setsid), no stdin, output appended to the cluster log. Returns the supervisor's pid.
/// </summary>
internal static class ServerLauncher
{
    public static int Start(ClusterPaths paths, int apiPort)
    {
        var (program, prefix) = SelfInvocation();
        // In a non-interactive sh a background job is not a process group leader, so setsid execs in place
        // and $! is the server's own pid.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec 3>>\"$PODWAY_LOG\"; setsid \"$0\" \"$@\" </dev/null >&3 2>&3 & echo $!");
        psi.ArgumentList.Add(program);
        foreach (var a in prefix.Concat(ServerSupervisor.Arguments(paths, apiPort))) psi.ArgumentList.Add(a);
        psi.Environment["PODWAY_LOG"] = paths.LogFile;
        using var sh = Process.Start(psi)!;
        var stdout = sh.StandardOutput.ReadToEnd();
        var stderr = sh.StandardError.ReadToEnd();
        sh.WaitForExit();
        if (sh.ExitCode != 0 || !int.TryParse(stdout.Trim(), out var pid))
            throw new Cli.CliException($"could not start the podway server: {stderr.Trim()}");
        return pid;
    }

    /// <summary>How to run this program again: the apphost (or the native build) directly, or `dotnet podway.dll`.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000",
        Justification = "the assembly's path is asked only under `dotnet`, which the native build never runs in")]
    public static (string Program, IReadOnlyList<string> Prefix) SelfInvocation()
    {
        var process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [typeof(ServerLauncher).Assembly.Location])
            : (process, []);
    }

    /// <summary>The last lines of the cluster log, for error messages.</summary>
    public static string LogTail(ClusterPaths paths, int lines = 30)
    {
        try
        {
            var all = File.ReadAllLines(paths.LogFile);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"(no log: {e.Message})"; }
    }
}
