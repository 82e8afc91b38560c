using System.Runtime.InteropServices;

namespace Podway.Proxy;

/// <summary>
/// Runs code inside a named network namespace: a thread of its own enters it with setns(2) and ends there, so the
/// rest of the process stays in the host's. Sockets made on that thread belong to that namespace for their life,
/// and /proc/thread-self/net shows that namespace's sockets.
/// </summary>
public static class NetnsThread
{
    const int CloneNewNet = 0x40000000;

    [DllImport("libc", SetLastError = true)]
    static extern int setns(int fd, int nstype);

    /// <summary>Moves the calling thread for good (a thread of the caller's own, which ends there).</summary>
    public static void Enter(string netns)
    {
        using var handle = File.OpenHandle(Path.Combine("/run/netns", netns));
        if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            throw new IOException($"setns into {netns} failed: errno {Marshal.GetLastPInvokeError()} (it needs root)");
    }

    /// <summary>Runs <paramref name="work"/> in netns <paramref name="netns"/> (a name under /run/netns), or here when null.</summary>
    public static T Run<T>(string? netns, Func<T> work)
    {
        if (netns is null) return work();
        var path = Path.Combine("/run/netns", netns);
        if (!File.Exists(path)) throw new IOException($"network namespace {netns} does not exist");
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter(netns);
                result = work();
            }
            catch (Exception e) { error = e; }
        }) { IsBackground = true, Name = "netns-" + netns };
        thread.Start();
        thread.Join();
        if (error is not null) throw error;
        return result;
    }
}
