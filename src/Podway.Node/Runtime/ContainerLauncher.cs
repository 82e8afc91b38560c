using System.Diagnostics;
using Podway.Node.Network;
using Podway.Node.Sandbox;

namespace Podway.Node.Runtime;

/// <summary>
/// Starts a container run through a small sh "shim" (the role containerd-shim plays): the shim (a session leader, in the
/// Pod's network namespace) runs `crun run` in the foreground of a subshell that first moves itself into the container's
/// cgroups, with stdout/stderr on raw files; crun writes the container's pid, and its exit status (the container's;
/// 128+n for a signal) goes to a file. The container never writes to a pipe the agent holds, so it neither blocks nor
/// gets SIGPIPE when the agent stops, and a restarted agent finds its exit code on disk. Only a stdin pipe (stdin: true)
/// is tied to the agent. sh starts background jobs with SIGINT and SIGQUIT ignored, and exec keeps that:
/// `env --default-signal` gives the container the default dispositions. Every program here is one process start less
/// per container than a separate sh for the cgroup join, a second setsid or an nsenter would be (a few ms of CPU each).
/// </summary>
internal static class ContainerLauncher
{
    // $0 is the path prefix of the run's files. The subshell joins the container's cgroups before it execs. The exit file is written in one write(2); a reader that finds it empty reads it again later.
    const string ShimScript = $$"""
        exec 3<&0
        ({{ContainerRuntime.JoinCgroup}}; exec env --default-signal=INT,QUIT "$@") <&3 3<&- >>"$0.stdout" 2>>"$0.stderr" &
        pid=$!
        exec 3<&- </dev/null >/dev/null 2>&1
        wait "$pid"
        echo "$?" > "$0.exit"
        """;

    public static async Task<ContainerRun> StartAsync(ContainerRuntime runtime, SandboxInfo sandbox, ContainerLaunch launch)
    {
        Directory.CreateDirectory(launch.Paths.Dir);
        foreach (var stale in new[] { launch.Paths.PidFile, launch.Paths.ExitFile, launch.Paths.OffsetsFile })
            File.Delete(stale);
        var handle = runtime.HandleFor(sandbox.PodUid, launch.Paths);
        var (command, cgroupProcs) = runtime.Prepare(handle, sandbox, launch);
        var prefix = Path.Combine(launch.Paths.Dir, launch.Paths.Attempt.ToString());
        var psi = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, RedirectStandardInput = true };
        // The shim and crun live in the Pod's network namespace, not the node's: processes left in the node's would keep
        // a deleted node namespace (and the Pods' veth peers in it) alive, so a broken node network could not be seen.
        foreach (var a in new[] { "sh", "-c", ShimScript, prefix }.Concat(command))
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        psi.Environment["PODWAY_CGROUP_PROCS"] = string.Join(' ', cgroupProcs);
        var process = await NetnsThread.StartInAsync(sandbox.NetnsPath, psi);
        Stream? stdin = null;
        if (launch.Stdin) stdin = process.StandardInput.BaseStream;
        else process.StandardInput.Close(); // no stdin: the container reads EOF, as from /dev/null
        var startTime = ProcStat.StartTime(process.Id) ?? 0;
        // Started means the container exists, as the CRI reports it: crun writes its pid once it has created it.
        // Until then an exec or a probe would find no container. The wait yields its thread: Pods start in parallel,
        // and blocked pool threads (one per starting container) starved the agent for seconds after `up`.
        for (var waited = Stopwatch.StartNew(); waited.ElapsedMilliseconds < 10_000 && !File.Exists(launch.Paths.PidFile) && !process.HasExited;)
            await Task.Delay(5);
        return new ContainerRun(launch.Paths, process.Id, startTime, DateTime.UtcNow, stdin, launch.StdinOnce, launch.Tty, runtime, handle, process);
    }
}
