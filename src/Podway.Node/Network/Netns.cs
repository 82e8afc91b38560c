using System.Runtime.InteropServices;

namespace Podway.Node.Network;

/// <summary>Named network namespaces (`ip netns`, mounted at /run/netns/NAME) and the processes inside them.</summary>
public static class Netns
{
    public const string RunDir = "/run/netns";

    public static string PathOf(string name) => System.IO.Path.Combine(RunDir, name);

    public static bool Exists(string name) => File.Exists(PathOf(name));

    public static void Ensure(string name) => EnsureAsync(name, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>As Ensure, without holding a pool thread while `ip netns add` runs: a burst of Pods makes its namespaces
    /// at once (a 100-Pod burst measured the same either way; the Pod start path just has no blocking wait left).</summary>
    public static async Task EnsureAsync(string name, CancellationToken ct)
    {
        if (Exists(name)) return;
        var r = await HostProcess.RunAsync("ip", ["netns", "add", name], null, null, ct);
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

    static List<int> Pids(string name)
    {
        if (!Exists(name)) return [];
        var r = HostProcess.Run("ip", "netns", "pids", name);
        if (!r.Ok) return [];
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).Where(p => p != Environment.ProcessId).ToList();
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
