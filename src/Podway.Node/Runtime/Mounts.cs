using System.Runtime.InteropServices;

namespace Podway.Node.Runtime;

/// <summary>mount(2) and umount2(2): a container's root overlay is mounted on every start, so no mount(8) process per container.</summary>
internal static class Mounts
{
    const int MntDetach = 2;

    [DllImport("libc", SetLastError = true, EntryPoint = "mount")]
    static extern int mount(string source, string target, string fstype, ulong flags, string? data);

    [DllImport("libc", SetLastError = true, EntryPoint = "umount2")]
    static extern int umount2(string target, int flags);

    /// <summary>0 on success, else errno.</summary>
    public static int Mount(string source, string target, string fstype, ulong flags, string? data) =>
        mount(source, target, fstype, flags, data) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Lazy unmount: gone from the tree now, released when the last user goes. 0, or errno (EINVAL: not a mount point).</summary>
    public static int Detach(string target) => umount2(target, MntDetach) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Mount points at or under dir, deepest first (from /proc/self/mountinfo, octal escapes decoded).</summary>
    public static IReadOnlyList<string> Under(string dir)
    {
        var prefix = dir.TrimEnd('/') + "/";
        return [.. File.ReadLines("/proc/self/mountinfo")
            .Select(l => Unescape(l.Split(' ')[4]))
            .Where(m => m == dir.TrimEnd('/') || m.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct()
            .OrderByDescending(m => m.Length)];
    }

    static string Unescape(string s) =>
        s.Contains('\\') ? System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString()) : s;
}
