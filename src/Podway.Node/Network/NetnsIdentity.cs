using System.Runtime.InteropServices;

namespace Podway.Node.Network;

/// <summary>
/// Which network namespace a name or a process stands for, as the kernel's nsfs inode ("net:[4026532507]"). A name
/// under /run/netns can be deleted and made again while processes still run in the old namespace: comparing
/// identities tells a process in the named namespace from one stranded in a namespace that lost its name.
/// Reads only files (the name's nsfs file, /proc/PID/ns/net), so it is cheap enough to poll.
/// </summary>
public static class NetnsIdentity
{
    /// <summary>The identity behind /run/netns/NAME, or null when no such name is mounted.</summary>
    public static string? OfName(string name)
    {
        // The mounted nsfs file's inode number is the namespace's: two system calls, not a read of /proc/self/mountinfo,
        // which grows by every Pod's mounts and was read for every Pod's health check.
        var path = Netns.PathOf(name);
        var buffer = new byte[256];
        if (statfs(path, buffer) != 0 || BitConverter.ToInt64(buffer, 0) != NsfsMagic) return null;
        if (stat(path, buffer) != 0) return null;
        return $"net:[{BitConverter.ToUInt64(buffer, 8)}]"; // st_ino follows the 8-byte st_dev on x86_64 and arm64
    }

    const long NsfsMagic = 0x6e736673;
    [DllImport("libc", SetLastError = true)] static extern int statfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buf);
    [DllImport("libc", SetLastError = true)] static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buf);

    /// <summary>The network namespace a process runs in, or null when it is gone.</summary>
    public static string? OfProcess(int pid)
    {
        try { return new FileInfo($"/proc/{pid}/ns/net").LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>True when the process's network namespace has an interface of that name (from /proc/PID/net/dev).</summary>
    public static bool HasInterface(int pid, string ifName)
    {
        try { return File.ReadLines($"/proc/{pid}/net/dev").Any(l => l.TrimStart().StartsWith(ifName + ":", StringComparison.Ordinal)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
