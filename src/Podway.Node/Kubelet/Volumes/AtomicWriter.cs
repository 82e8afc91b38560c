using System.Runtime.InteropServices;

namespace Podway.Node.Kubelet.Volumes;

/// <summary>
/// The kubelet's atomic writer (pkg/volume/util/atomic_writer.go): a volume's files live in a timestamped directory
/// `..2006_01_02_15_04_05.N`, `..data` links to it, and each visible name links into `..data`. An update writes a new
/// directory and swaps `..data` with one rename, so a reader sees the old set or the new one, never half of each.
/// </summary>
internal static class AtomicWriter
{
    const string DataDir = "..data";

    [DllImport("libc", SetLastError = true)]
    static extern int rename(string oldPath, string newPath);

    /// <summary>Writes the payload (relative path -> content, mode) unless it is what the volume already has; true when it changed.</summary>
    public static bool Write(string dir, IReadOnlyDictionary<string, (byte[] Content, UnixFileMode Mode)> payload, long? fsGroup)
    {
        Directory.CreateDirectory(dir);
        var current = Path.Combine(dir, DataDir);
        if (Directory.Exists(current) && Matches(current, payload)) return false;

        var stamp = $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{Random.Shared.Next(1_000_000_000)}";
        var target = Path.Combine(dir, stamp);
        Directory.CreateDirectory(target);
        foreach (var (path, (content, mode)) in payload)
        {
            var file = Path.Combine(target, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
            File.SetUnixFileMode(file, mode);
            if (fsGroup is { } g) Ownership.SetGroup(file, g);
        }
        if (fsGroup is { } group) Ownership.SetGroup(target, group);

        // Swap ..data: a new link renamed over the old one is atomic.
        var previous = new FileInfo(current).LinkTarget;
        var tmp = Path.Combine(dir, "..data_tmp");
        File.Delete(tmp);
        File.CreateSymbolicLink(tmp, stamp);
        // rename(2) itself: File.Move looks through the link first.
        if (rename(tmp, current) != 0) throw new IOException($"cannot swap {current} (errno {Marshal.GetLastPInvokeError()})");

        // Visible names: one link per top-level entry into ..data; names no longer in the payload go.
        var top = payload.Keys.Select(p => p.Split('/')[0]).ToHashSet();
        foreach (var name in top)
        {
            var link = Path.Combine(dir, name);
            if (new FileInfo(link).LinkTarget is null && !File.Exists(link) && !Directory.Exists(link))
                File.CreateSymbolicLink(link, Path.Combine(DataDir, name));
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith("..", StringComparison.Ordinal) || top.Contains(name)) continue;
            File.Delete(entry);
        }
        if (previous is not null && previous != stamp && Directory.Exists(Path.Combine(dir, previous)))
            Directory.Delete(Path.Combine(dir, previous), recursive: true);
        return true;
    }

    static bool Matches(string current, IReadOnlyDictionary<string, (byte[] Content, UnixFileMode Mode)> payload)
    {
        var existing = Directory.EnumerateFiles(current, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(current, f)).ToHashSet();
        if (!existing.SetEquals(payload.Keys)) return false;
        foreach (var (path, (content, mode)) in payload)
        {
            var file = Path.Combine(current, path);
            if (File.GetUnixFileMode(file) != mode || !File.ReadAllBytes(file).AsSpan().SequenceEqual(content)) return false;
        }
        return true;
    }
}
