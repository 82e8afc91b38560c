using System.Runtime.InteropServices;

namespace Podway.Node.Runtime;

/// <summary>The few libc calls .NET does not expose: signals to process groups.</summary>
internal static class Native
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    /// <summary>Signals the whole process group led by pgid (containers run as session leaders, so pgid = pid).</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && kill(-pgid, signal) == 0;

    public static bool Signal(int pid, int signal) => pid > 1 && kill(pid, signal) == 0;
}
