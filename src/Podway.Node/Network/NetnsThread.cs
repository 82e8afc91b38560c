using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Podway.Node.Network;

/// <summary>
/// The one thread of a process that makes network namespaces and wires Pods into them (BridgePlugin), one request
/// at a time. It alone changes namespace with setns(2) and comes back at once, so no pool thread ever runs in a Pod's
/// namespace, and a burst of Pods queues here instead of blocking pool threads on the kernel's rtnl lock, which
/// serializes these changes anyway. Its home is the namespace the process was in when it started (an agent's node).
/// </summary>
internal static class NetnsThread
{
    const int CloneNewNet = 0x40000000;
    const ulong MsBind = 4096;

    static readonly BlockingCollection<Action> Work = [];
    static readonly Lazy<Thread> Worker = new(() =>
    {
        var t = new Thread(Loop) { IsBackground = true, Name = "netns" };
        t.Start();
        return t;
    });
    [ThreadStatic] static int _homeFd;

    public static bool IsCurrent => _homeFd > 0;

    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Worker.Value;
        Work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>Runs <paramref name="inside"/> in the namespace at <paramref name="netnsPath"/>, then returns home. This thread only.</summary>
    public static T Inside<T>(string netnsPath, Func<T> inside)
    {
        if (!IsCurrent) throw new InvalidOperationException("NetnsThread.Inside called off the netns thread");
        using (var ns = File.OpenHandle(netnsPath))
            if (setns((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                throw new IOException($"entering {netnsPath}: {Marshal.GetLastPInvokeErrorMessage()}");
        try { return inside(); }
        finally { GoHome(); }
    }

    /// <summary>
    /// Starts a process in the namespace at <paramref name="netnsPath"/>: fork copies the forking thread's namespaces,
    /// so this thread visits the namespace for the fork; no nsenter process per start.
    /// </summary>
    public static Task<System.Diagnostics.Process> StartInAsync(string netnsPath, System.Diagnostics.ProcessStartInfo start) =>
        RunAsync(() => Inside(netnsPath, () => System.Diagnostics.Process.Start(start)
            ?? throw new IOException($"could not start {start.FileName}")));

    /// <summary>
    /// `ip netns add NAME` without the process: a new namespace, kept by a bind mount of it at /run/netns/NAME.
    /// /run/netns must already be the shared mount `ip netns add` makes of it (the node's namespace was made that way).
    /// </summary>
    public static void Create(string path)
    {
        if (!IsCurrent) throw new InvalidOperationException("NetnsThread.Create called off the netns thread");
        using (File.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite)) { }
        try
        {
            if (unshare(CloneNewNet) != 0) throw new IOException($"unshare(CLONE_NEWNET): {Marshal.GetLastPInvokeErrorMessage()}");
            try
            {
                var rc = Runtime.Mounts.Mount("/proc/thread-self/ns/net", path, "none", MsBind, null);
                if (rc != 0) throw new IOException($"binding the new namespace at {path}: {Marshal.GetPInvokeErrorMessage(rc)}");
            }
            finally { GoHome(); }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    static void GoHome()
    {
        // A thread left in a Pod's namespace would wire the next Pod into the wrong one: better no agent than that.
        if (setns(_homeFd, CloneNewNet) != 0) Environment.FailFast($"netns thread could not return home: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    static void Loop()
    {
        using var home = File.OpenHandle("/proc/thread-self/ns/net");
        _homeFd = (int)home.DangerousGetHandle();
        foreach (var item in Work.GetConsumingEnumerable()) item();
    }

    [DllImport("libc", SetLastError = true)] static extern int setns(int fd, int nstype);
    [DllImport("libc", SetLastError = true)] static extern int unshare(int flags);
}
