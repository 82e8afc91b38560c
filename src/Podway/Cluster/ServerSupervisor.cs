using System.Diagnostics;
using System.Runtime.InteropServices;
using Podway.HostSystem;

namespace Podway.Cluster;

/// <summary>
/// `podway supervise`, what `up` starts detached: runs `podway server` as its child and starts it again when it
/// dies (a crash, the OOM killer, a SIGKILL), with back-off (1 s doubling to 30 s, back to 1 s after a minute of
/// running), as systemd's Restart=on-failure would. A server that exits 0 was stopped on purpose, and a first one that
/// fails before it was ever ready has a problem a restart will not fix: then the supervisor ends too, so `up` reports
/// it. SIGTERM/SIGINT stop the supervisor: the server gets SIGTERM and is not restarted. The restarts are
/// counted in server.state for `podway status`.
/// </summary>
internal static class ServerSupervisor
{
    static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static string PidFile(ClusterPaths paths) => Path.Combine(paths.DataDir, "supervisor.pid");

    /// <summary>Written by the server once its API answers (its pid): a first run that never wrote it is not restarted.</summary>
    public static string ReadyFile(string dataDir) => Path.Combine(dataDir, "server.ready");

    public static IReadOnlyList<string> Arguments(ClusterPaths paths, int apiPort) =>
        ["supervise", "--name", paths.Name, "--data-dir", paths.DataDir, "--api-port", apiPort.ToString()];

    public static async Task<int> RunAsync(ClusterPaths paths, int apiPort, TextWriter log)
    {
        File.WriteAllText(PidFile(paths), $"{Environment.ProcessId}\n");
        var stopping = false;
        Process? server = null;
        void Stop(PosixSignalContext c)
        {
            c.Cancel = true;
            stopping = true;
            if (server is { HasExited: false } s) Posix.kill(s.Id, Posix.SIGTERM);
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        var state = new ServerState();
        File.Delete(ServerState.FileIn(paths.DataDir));
        File.Delete(ReadyFile(paths.DataDir));
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            for (var run = 0; !stopping; run++)
            {
                var started = DateTime.UtcNow;
                server = StartServer(paths, apiPort);
                await server.WaitForExitAsync();
                var (code, pid) = (server.ExitCode, server.Id);
                server.Dispose();
                server = null;
                if (stopping || code == 0) return 0;
                if (run == 0 && ServerProcess.ReadPidFile(ReadyFile(paths.DataDir)) != pid)
                {
                    log.WriteLine($"podway: the server exited with code {code} while starting; not restarting it");
                    return code;
                }
                state = state with { Restarts = state.Restarts + 1, LastExitCode = code, LastExitAt = DateTimeOffset.UtcNow };
                state.Save(paths.DataDir);
                if (DateTime.UtcNow - started > TimeSpan.FromMinutes(1)) backoff = TimeSpan.FromSeconds(1);
                log.WriteLine($"podway: the server exited with code {code}; restarting it in {backoff.TotalSeconds:0} s (restart {state.Restarts})");
                for (var waited = TimeSpan.Zero; waited < backoff && !stopping; waited += TimeSpan.FromMilliseconds(100)) await Task.Delay(100);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            return 0;
        }
        finally
        {
            if (ServerProcess.ReadPidFile(PidFile(paths)) == Environment.ProcessId) File.Delete(PidFile(paths));
        }
    }

    /// <summary>The server as a child in this session, its output on ours (the cluster log).</summary>
    static Process StartServer(ClusterPaths paths, int apiPort)
    {
        var (program, prefix) = ServerLauncher.SelfInvocation();
        var psi = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var a in prefix.Concat(ServerProcess.ServerArguments(paths, apiPort))) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start the podway server");
    }

    /// <summary>The running supervisor of this cluster (its pid file, confirmed by its command line), if any.</summary>
    public static int? FindRunning(ClusterPaths paths)
    {
        if (ServerProcess.ReadPidFile(PidFile(paths)) is not { } pid || !Posix.IsAlive(pid)) return null;
        var argv = string.Join(' ', ServerProcess.ReadCmdline(pid));
        return argv.Contains($"supervise --name {paths.Name} --data-dir {paths.DataDir} ") ? pid : null;
    }
}
