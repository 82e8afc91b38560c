using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Podway.Node.Runtime;

/// <summary>
/// The OCI runtime's binary as a sealed memfd, run through a link of the same name. crun (as runc) copies itself into a
/// sealed memfd and re-executes on every start, so that a container cannot overwrite the host's binary through
/// /proc/self/exe (CVE-2019-5736); a binary that already is a fully sealed memfd skips that (runc's check says an admin
/// may provide one so). That is ~1 ms of CPU less per container start, exec and delete, with the same protection: the
/// sealed copy cannot be written by anyone. Where memfds cannot be made, the binary itself is used.
/// </summary>
internal static class SealedExecutable
{
    const uint MfdCloexec = 1, MfdAllowSealing = 2;
    const int FAddSeals = 1033;
    // F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: exactly the set crun and runc accept as "already cloned".
    const int AllSeals = 1 | 2 | 4 | 8;

    static readonly ConcurrentDictionary<string, SafeFileHandle?> Copies = new();

    /// <summary>A path that runs the sealed copy of <paramref name="executable"/>: a symlink in <paramref name="linkDir"/>.</summary>
    public static string Link(string executable, string linkDir)
    {
        // The memfd lives as long as this process; the link names it through /proc/PID/fd, so children exec it without
        // inheriting the descriptor, and a process started by the link is named after the executable.
        if (Copies.GetOrAdd(executable, Seal) is not { } memfd) return executable;
        Directory.CreateDirectory(linkDir);
        var link = Path.Combine(linkDir, Path.GetFileName(executable));
        var temp = $"{link}.{Environment.ProcessId}.tmp";
        File.Delete(temp);
        File.CreateSymbolicLink(temp, $"/proc/{Environment.ProcessId}/fd/{memfd.DangerousGetHandle()}");
        File.Move(temp, link, overwrite: true);
        return link;
    }

    static SafeFileHandle? Seal(string executable)
    {
        var fd = memfd_create(Path.GetFileName(executable), MfdCloexec | MfdAllowSealing);
        if (fd < 0) return null;
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var bytes = File.ReadAllBytes(executable);
            RandomAccess.Write(handle, bytes, 0);
            if (fcntl(fd, FAddSeals, AllSeals) != 0) throw new IOException($"sealing a copy of {executable}: {Marshal.GetLastPInvokeErrorMessage()}");
            return handle;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle.Dispose();
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)] static extern int memfd_create(string name, uint flags);
    [DllImport("libc", SetLastError = true)] static extern int fcntl(int fd, int cmd, int arg);
}
