using System.Runtime.InteropServices;

namespace Podway.HostSystem;

/// <summary>The few libc calls .NET has no API for.</summary>
internal static partial class Posix
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static bool IsAlive(int pid) => pid > 0 && File.Exists($"/proc/{pid}/stat") && !IsZombie(pid);

    // A zombie has exited; only its parent's wait() is missing.
    static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterComm = stat[(stat.LastIndexOf(')') + 2)..];
            return afterComm.StartsWith('Z') || afterComm.StartsWith('X');
        }
        catch (IOException) { return false; }
    }
}
