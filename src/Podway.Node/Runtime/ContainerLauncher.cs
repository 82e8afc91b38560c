using System.Diagnostics;
using Podway.Node.Sandbox;

namespace Podway.Node.Runtime;

/// <summary>
/// Starts a container run through a small sh "shim" (the role containerd-shim plays): the shim starts the
/// container as the leader of its own session (so the agent can signal the whole tree with kill(-pgid)),
/// points its stdout/stderr at raw files, records its pid, waits for it and writes its exit status to a file.
/// The container never writes to a pipe the agent holds, so it neither blocks nor gets SIGPIPE when the agent
/// stops, and a restarted agent finds its exit code on disk. Only a stdin pipe (stdin: true) is tied to the agent.
/// sh starts background jobs with SIGINT and SIGQUIT ignored, and exec keeps that: `env --default-signal` gives the
/// container the default dispositions, as runc does.
/// </summary>
internal static class ContainerLauncher
{
    const string ShimScript = """
        exec 3<&0
        setsid env --default-signal=INT,QUIT "$@" <&3 3<&- >>"$0.stdout" 2>>"$0.stderr" &
        pid=$!
        exec 3<&- </dev/null >/dev/null 2>&1
        echo "$pid" > "$0.pid.tmp" && mv "$0.pid.tmp" "$0.pid"
        wait "$pid"
        echo "$?" > "$0.exit.tmp" && mv "$0.exit.tmp" "$0.exit"
        """;

    public static ContainerRun Start(IPodSandboxes sandboxes, SandboxInfo sandbox, ContainerLaunch launch)
    {
        Directory.CreateDirectory(launch.Paths.Dir);
        foreach (var stale in new[] { launch.Paths.PidFile, launch.Paths.ExitFile, launch.Paths.OffsetsFile })
            File.Delete(stale);
        var (file, args) = launch.Tty ? Shell.UnderPty(launch.File, launch.Args) : (launch.File, launch.Args);
        // $0 of the shim is the path prefix of this run's files.
        var prefix = Path.Combine(launch.Paths.Dir, launch.Paths.Attempt.ToString());
        var psi = sandboxes.Enter(sandbox, "setsid", ["sh", "-c", ShimScript, prefix, file, .. args], launch.WorkingDir is { Length: > 0 } wd ? wd : null);
        SetEnvironment(psi, launch.Env);
        psi.UseShellExecute = false;
        psi.RedirectStandardInput = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {launch.File}");
        Stream? stdin = null;
        if (launch.Stdin) stdin = process.StandardInput.BaseStream;
        else process.StandardInput.Close(); // no stdin: the container reads EOF, as from /dev/null
        var startTime = ProcStat.StartTime(process.Id) ?? 0;
        return new ContainerRun(launch.Paths, process.Id, startTime, DateTime.UtcNow, stdin, launch.StdinOnce, launch.Tty, process);
    }

    /// <summary>The container sees only its own environment plus whatever Enter added (e.g. for nsenter).</summary>
    static void SetEnvironment(ProcessStartInfo psi, IReadOnlyDictionary<string, string> env)
    {
        var addedByEnter = psi.Environment
            .Where(kv => kv.Value is not null && Environment.GetEnvironmentVariable(kv.Key) != kv.Value)
            .ToList();
        psi.Environment.Clear();
        foreach (var (k, v) in addedByEnter) psi.Environment[k] = v;
        foreach (var (k, v) in env) psi.Environment[k] = v;
    }
}
