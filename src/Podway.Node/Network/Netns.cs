using System.Runtime.InteropServices;

namespace Podway.Node.Network;

/// <summary>Named network namespaces (`ip netns`, mounted at /run/netns/NAME) and the processes inside them.</summary>
internal static class Netns
{
    public const string RunDir = "/run/netns";

    public static string PathOf(string name) => System.IO.Path.Combine(RunDir, name);

    public static bool Exists(string name) => File.Exists(PathOf(name));

    public static void Ensure(string name)
    {
        if (Exists(name)) return;
        var r = HostProcess.Run("ip", "netns", "add", name);
        if (!r.Ok && !Exists(name)) r.Check($"ip netns add {name}");
    }

    /// <summary>Kills every process in the namespace (but never this one), waits for them, then deletes it. Missing is fine.</summary>
    public static void Delete(string name)
    {
        if (!Exists(name)) return;
        KillAll(name);
        var r = HostProcess.Run("ip", "netns", "delete", name);
        if (!r.Ok && Exists(name)) r.Check($"ip netns delete {name}");
    }

    public static IReadOnlyList<string> List() =>
        Directory.Exists(RunDir) ? Directory.GetFiles(RunDir).Select(System.IO.Path.GetFileName).OfType<string>().ToList() : [];

    public static void KillAll(string name)
    {
        var r = HostProcess.Run("ip", "netns", "pids", name);
        if (!r.Ok) return;
        var pids = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).Where(p => p != Environment.ProcessId).ToList();
        foreach (var pid in pids) Kill(pid, SigKill);
        WaitGone(pids, TimeSpan.FromSeconds(5));
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
