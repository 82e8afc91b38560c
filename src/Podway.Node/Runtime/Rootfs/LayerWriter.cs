using System.Security.Cryptography;
using System.Text;
using Podway.Node.Network;

namespace Podway.Node.Runtime.Rootfs;

/// <summary>
/// Writes one read-only layer (the lower directory of a container's overlay) into a scratch directory and fingerprints
/// everything written, so the finished layer can be named by its content: a layer that overlays of running containers
/// use is never changed in place (overlayfs forbids it), a changed one gets a new name.
/// </summary>
/// <param name="dryRun">only fingerprint: tells whether a layer already built is still current without writing anything</param>
internal sealed class LayerWriter(string root, bool dryRun = false)
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string Root => root;

    public void Dir(string path, UnixFileMode mode = Modes.Dir)
    {
        Note($"d {path} {(int)mode}");
        if (dryRun) return;
        var full = Full(path);
        Directory.CreateDirectory(full);
        System.IO.File.SetUnixFileMode(full, mode);
    }

    public void File(string path, string content, UnixFileMode mode = Modes.File) => File(path, Encoding.UTF8.GetBytes(content), mode);

    public void File(string path, byte[] content, UnixFileMode mode = Modes.File)
    {
        Note($"f {path} {(int)mode} {Convert.ToHexString(SHA256.HashData(content))}");
        if (dryRun) return;
        var full = Full(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, content);
        System.IO.File.SetUnixFileMode(full, mode);
    }

    public void Symlink(string path, string target)
    {
        Note($"l {path} {target}");
        if (dryRun) return;
        var full = Full(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.CreateSymbolicLink(full, target);
    }

    /// <summary>
    /// Copies host files or directories to the same paths in the layer (symlinks kept as links, modes and owners kept),
    /// those that exist, with one `cp`: every process the agent forks copies its page tables, which made a
    /// `cp` per entry cost seconds when the first Pods of a node waited for their layers.
    /// </summary>
    public void CopyFromHost(IEnumerable<string> hostPaths)
    {
        var existing = hostPaths.Where(p => Path.Exists(p) || new FileInfo(p).LinkTarget is not null).ToList();
        foreach (var hostPath in existing)
            foreach (var entry in Listing(hostPath)) Note($"c {hostPath} {entry}");
        if (dryRun || existing.Count == 0) return;
        // cp --parents names the directories it makes relative to its working directory: it must run in /.
        HostProcess.Run("sh", ["-c", "cd / && exec cp -a --no-preserve=context --parents -t \"$0\" \"$@\"", root, .. existing])
            .Check("copying host files into an image layer");
    }

    /// <summary>The layer's content fingerprint (12 hex digits), part of its directory name.</summary>
    public string Fingerprint() => Convert.ToHexString(_hash.GetCurrentHash())[..12].ToLowerInvariant();

    string Full(string path) => Path.Combine(root, path.TrimStart('/'));

    void Note(string line) => _hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));

    static IEnumerable<string> Listing(string hostPath)
    {
        IEnumerable<FileSystemInfo> entries = Directory.Exists(hostPath) && new DirectoryInfo(hostPath).LinkTarget is null
            ? new DirectoryInfo(hostPath).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [new FileInfo(hostPath)];
        return entries.Select(e => $"{Path.GetRelativePath(hostPath, e.FullName)} {e.LinkTarget ?? (e is FileInfo f && f.LinkTarget is null ? $"{f.Length}:{f.LastWriteTimeUtc.Ticks}" : "")}")
            .Order(StringComparer.Ordinal);
    }
}

internal static class Modes
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode Executable = File | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    public const UnixFileMode Dir = Executable | UnixFileMode.UserWrite;
    public const UnixFileMode Sticky = Dir | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit;
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
