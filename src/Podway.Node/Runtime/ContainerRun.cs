using System.Diagnostics;
using System.Globalization;

namespace Podway.Node.Runtime;

/// <summary>
/// One run of a container, started by this agent or adopted after a restart. Exit is read from the shim's exit file,
/// when the shim (this agent's child) exits, or polled for for an adopted run, so both behave the same; the container's init is signalled through the
/// pid the runtime recorded, and a kill reaches every process in its cgroup. Once it has exited, the runtime removes
/// what the run left (root overlay, writable layers, cgroup).
/// </summary>
internal sealed class ContainerRun
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    readonly Process? _shim;
    readonly ContainerRuntime _runtime;
    readonly TaskCompletionSource<TerminatedInfo> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _containerPid;
    long _containerStart;

    public ContainerRun(ContainerPaths paths, int shimPid, long shimStartTime, DateTime startedAt, Stream? stdin, bool stdinOnce, bool tty,
        ContainerRuntime runtime, ContainerHandle handle, Process? shim = null)
    {
        _runtime = runtime;
        Handle = handle;
        Paths = paths;
        ShimPid = shimPid;
        ShimStartTime = shimStartTime;
        StartedAt = startedAt;
        Stdin = stdin;
        StdinOnce = stdinOnce;
        Tty = tty;
        _shim = shim;
        _ = WatchAsync();
    }

    public ContainerPaths Paths { get; }
    public ContainerHandle Handle { get; }
    public int ShimPid { get; }
    public long ShimStartTime { get; }
    public DateTime StartedAt { get; }
    /// <summary>The container's stdin pipe; null without stdin: true or for adopted runs (the pipe died with the old agent).</summary>
    public Stream? Stdin { get; private set; }
    public bool StdinOnce { get; }
    public bool Tty { get; }
    public bool Attached { get; set; }
    public Task<TerminatedInfo> Exited => _exited.Task;
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>A run whose shim is still alive (checked by pid and start time, so a reused pid is not mistaken for it).</summary>
    public static ContainerRun? Adopt(ContainerRuntime runtime, string podUid, ContainerPaths paths, int shimPid, long shimStartTime, DateTime startedAt, bool tty)
    {
        if (!File.Exists(paths.ExitFile) && !ProcStat.IsSameProcess(shimPid, shimStartTime) && !File.Exists(paths.PidFile))
            return null;
        return new ContainerRun(paths, shimPid, shimStartTime, startedAt, null, false, tty, runtime, runtime.HandleFor(podUid, paths));
    }

    public void CloseStdin()
    {
        try { Stdin?.Dispose(); } catch (IOException) { }
        Stdin = null;
    }

    /// <summary>SIGTERM to the container's init (as the CRI's StopContainer), SIGKILL to all its processes after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited) return;
        var pid = ContainerPid();
        if (pid > 0) Native.Signal(pid, Native.SIGTERM);
        try { await Exited.WaitAsync(grace); return; }
        catch (TimeoutException) { }
        Kill();
        try { await Exited.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { Native.Signal(ShimPid, Native.SIGKILL); }
    }

    /// <summary>Kills without grace (cleanup of orphans).</summary>
    public void Kill()
    {
        _runtime.KillAll(Handle);
        if (ContainerPid() is > 0 and var pid) Native.Signal(pid, Native.SIGKILL);
    }

    /// <summary>The container's init process on the host (crun's pid file); 0 before crun wrote it.</summary>
    public int ContainerPid()
    {
        if (_containerPid > 0) return _containerPid;
        try
        {
            if (int.TryParse(File.ReadAllText(Paths.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                _containerPid = pid;
                _containerStart = ProcStat.StartTime(pid) ?? 0;
            }
        }
        catch (IOException) { }
        return _containerPid;
    }

    async Task WatchAsync()
    {
        // Our own child tells us when it ends; only an adopted run (or a shim killed before it wrote the exit file) is polled.
        if (_shim is { } shim)
        {
            try { await shim.WaitForExitAsync(); }
            catch (InvalidOperationException) { }
        }
        while (true)
        {
            if (ReadExitCode() is { } code) { Complete(code, null); return; }
            var shimAlive = ProcStat.IsSameProcess(ShimPid, ShimStartTime);
            if (!shimAlive && ReadExitCode() is null)
            {
                // The shim died without writing the exit code (killed with the old agent): follow the container itself.
                var pid = ContainerPid();
                if (pid <= 0 || _containerStart == 0 || !ProcStat.IsSameProcess(pid, _containerStart))
                {
                    Complete(137, "ContainerStatusUnknown");
                    return;
                }
            }
            await Task.Delay(Poll);
        }
    }

    int? ReadExitCode()
    {
        if (!File.Exists(Paths.ExitFile)) return null; // not an exception per poll: they are costly in the native build
        try
        {
            return int.TryParse(File.ReadAllText(Paths.ExitFile).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (IOException) { return null; }
    }

    void Complete(int exitCode, string? reason)
    {
        _shim?.Dispose();
        CloseStdin();
        var finished = File.Exists(Paths.ExitFile) ? File.GetLastWriteTimeUtc(Paths.ExitFile) : DateTime.UtcNow;
        // The kernel's OOM killer sends SIGKILL; only the cgroup's counter tells it from any other kill. As containerd,
        // an OOM kill of any process of the container marks the run OOMKilled, whatever its init then exited with.
        if (reason is null && _runtime.OomKilled(Handle)) reason = "OOMKilled";
        reason ??= exitCode == 0 ? "Completed" : "Error";
        try { _runtime.Cleanup(Handle); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Console.Error.WriteLine($"container {Handle.Id}: cleanup: {e.Message}"); }
        var message = reason == "ContainerStatusUnknown" ? "The container could not be located when the pod was terminated" : null;
        _exited.TrySetResult(new TerminatedInfo(exitCode, reason, StartedAt, finished, message));
    }
}
