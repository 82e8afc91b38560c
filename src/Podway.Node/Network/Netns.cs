using System.Runtime.InteropServices;

namespace Podway.Node.Network;

/// <summary>Named network namespaces (`ip netns`, mounted at /run/netns/NAME) and the processes inside them.</summary>
public static class Netns
{
    public const string RunDir = "/run/netns";

    public static string PathOf(string name) => System.IO.Path.Combine(RunDir, name);

    public static bool Exists(string name) => File.Exists(PathOf(name));

    public static void Ensure(string name) => EnsureAsync(name, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// As Ensure, made by the process's netns thread (NetnsThread.Create) once /run/netns is the shared mount `ip netns
    /// add` makes of it, else by `ip netns add` itself: an `ip` process per Pod was ~5 ms of CPU, and a burst of Pods
    /// made them all at once.
    /// </summary>
    public static async Task EnsureAsync(string name, CancellationToken ct)
    {
        if (Exists(name)) return;
        if (RunDirIsShared())
        {
            try
            {
                await NetnsThread.RunAsync(() =>
                {
                    if (!Exists(name)) NetnsThread.Create(PathOf(name));
                    return true;
                });
                return;
            }
            catch (IOException) when (Exists(name)) { return; }
        }
        var r = await HostProcess.RunAsync("ip", ["netns", "add", name], null, null, ct);
        if (!r.Ok && !Exists(name)) r.Check($"ip netns add {name}");
    }

    static volatile bool _runDirShared;

    static bool RunDirIsShared()
    {
        if (_runDirShared) return true;
        // "... 0:26 /netns /run/netns rw,nosuid,nodev shared:5 - tmpfs ...": the mount point is field 5, propagation after it.
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var f = line.Split(' ');
                if (f.Length > 6 && f[4] == RunDir && f.Skip(6).TakeWhile(x => x != "-").Any(x => x.StartsWith("shared:", StringComparison.Ordinal)))
                    return _runDirShared = true;
            }
        }
        catch (IOException) { }
        return false;
    }

    /// <summary>Kills every process in the namespace (but never this one), waits for them, then deletes it. Missing is fine.</summary>
    public static void Delete(string name)
    {
        if (!Exists(name)) return;
        KillAll(name);
        // What `ip netns delete` does: detach the mount that keeps the namespace, remove its name.
        var path = PathOf(name);
        var rc = Runtime.Mounts.Detach(path);
        if (rc is not (0 or 22)) throw new IOException($"unmounting {path}: {Marshal.GetPInvokeErrorMessage(rc)}"); // 22 EINVAL: not mounted
        try { File.Delete(path); }
        catch (IOException) when (!Exists(name)) { }
    }

    public static IReadOnlyList<string> List() =>
        Directory.Exists(RunDir) ? Directory.GetFiles(RunDir).Select(System.IO.Path.GetFileName).OfType<string>().ToList() : [];

    public static void KillAll(string name)
    {
        var pids = Pids(name);
        foreach (var pid in pids) Kill(pid, SigKill);
        WaitGone(pids, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Ends everything in a set of namespaces before any is deleted: node agents first (a live agent would restart the
    /// containers being killed), then everything else, repeated until the namespaces are empty. A process whose
    /// namespace name is deleted while it runs keeps the namespace alive, unseen, so this must come first.
    /// </summary>
    public static void KillAllIn(IReadOnlyList<string> agentNamespaces, IReadOnlyList<string> otherNamespaces)
    {
        foreach (var ns in agentNamespaces) KillAll(ns);
        for (var round = 0; round < 20; round++)
        {
            var pids = agentNamespaces.Concat(otherNamespaces).SelectMany(Pids).ToList();
            if (pids.Count == 0) return;
            foreach (var pid in pids) Kill(pid, SigKill);
            WaitGone(pids, TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>`ip netns pids NAME`: every process whose network namespace is the named one (but never this one).</summary>
    static List<int> Pids(string name)
    {
        if (NetnsIdentity.OfName(name) is not { } identity) return [];
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(System.IO.Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId && NetnsIdentity.OfProcess(pid) == identity)
                pids.Add(pid);
        return pids;
    }

    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static void Kill(int pid, int signal) => _ = kill(pid, signal);

    /// <summary>Waits until none of the pids is a live process (zombies count as gone: their parent reaps them).</summary>
    public static void WaitGone(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var left = pids.ToList();
        while (left.Count > 0 && DateTime.UtcNow < deadline)
        {
            left.RemoveAll(p => !ProcStat.IsRunning(p));
            if (left.Count > 0) Thread.Sleep(20);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
