using System.Runtime.InteropServices;

namespace Podway.Node.Runtime;

/// <summary>The few libc calls .NET does not expose: signals by pid.</summary>
internal static class Native
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    public static bool Signal(int pid, int signal) => pid > 1 && kill(pid, signal) == 0;
}
