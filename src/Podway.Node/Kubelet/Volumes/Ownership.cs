using System.Runtime.InteropServices;

namespace Podway.Node.Kubelet.Volumes;

/// <summary>fsGroup: volume files belong to the Pod's group, as the kubelet's SetVolumeOwnership makes them.</summary>
internal static class Ownership
{
    [DllImport("libc", SetLastError = true)]
    static extern int lchown(string path, int owner, int group);

    public static void SetGroup(string path, long gid)
    {
        if (lchown(path, -1, (int)gid) != 0)
            throw new IOException($"cannot give {path} to group {gid} (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Group ownership, group read/write (and setgid on directories, so new files inherit the group), recursively.</summary>
    public static void ApplyFsGroup(string dir, long gid)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Append(dir))
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is not null) continue;
            SetGroup(entry, gid);
            var mode = File.GetUnixFileMode(entry) | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
            if (Directory.Exists(entry)) mode |= UnixFileMode.GroupExecute | UnixFileMode.SetGroup;
            File.SetUnixFileMode(entry, mode);
        }
    }
}
