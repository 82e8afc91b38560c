namespace Podway.Node.Network;

/// <summary>
/// Which network namespace a name or a process stands for, as the kernel's nsfs inode ("net:[4026532507]"). A name
/// under /run/netns can be deleted and made again while processes still run in the old namespace: comparing
/// identities tells a process in the named namespace from one stranded in a namespace that lost its name.
/// Reads only files (/proc/self/mountinfo, /proc/PID/ns/net), so it is cheap enough to poll.
/// </summary>
public static class NetnsIdentity
{
    /// <summary>The identity behind /run/netns/NAME, or null when no such name is mounted.</summary>
    public static string? OfName(string name)
    {
        var mountPoint = Netns.PathOf(name);
        try
        {
            // "110 49 0:4 net:[4026532507] /run/netns/NAME rw shared:7 - nsfs nsfs rw": field 4 is the root, 5 the mount point.
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var f = line.Split(' ');
                if (f.Length > 4 && f[4] == mountPoint && f[3].StartsWith("net:[", StringComparison.Ordinal)) return f[3];
            }
        }
        catch (IOException) { }
        return null;
    }

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
