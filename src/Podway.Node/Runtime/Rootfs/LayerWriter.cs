using System.Security.Cryptography;
using System.Text;
using Podway.Node.Network;

namespace Podway.Node.Runtime.Rootfs;

/// <summary>
/// Writes one read-only layer (the lower directory of a container's overlay) into a scratch directory and fingerprints
/// everything written, so the finished layer can be named by its content: a layer that overlays of running containers
/// use is never changed in place (overlayfs forbids it), a changed one gets a new name.
/// </summary>
internal sealed class LayerWriter(string root)
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string Root => root;

    public void Dir(string path, UnixFileMode mode = Modes.Dir)
    {
        var full = Full(path);
        Directory.CreateDirectory(full);
        System.IO.File.SetUnixFileMode(full, mode);
        Note($"d {path} {(int)mode}");
    }

    public void File(string path, string content, UnixFileMode mode = Modes.File) => File(path, Encoding.UTF8.GetBytes(content), mode);

    public void File(string path, byte[] content, UnixFileMode mode = Modes.File)
    {
        var full = Full(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, content);
        System.IO.File.SetUnixFileMode(full, mode);
        Note($"f {path} {(int)mode} {Convert.ToHexString(SHA256.HashData(content))}");
    }

    public void Symlink(string path, string target)
    {
        var full = Full(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.CreateSymbolicLink(full, target);
        Note($"l {path} {target}");
    }

    /// <summary>Copies a host file or directory (symlinks kept as links, modes and owners kept) when it exists.</summary>
    public void CopyFromHost(string hostPath, string? path = null)
    {
        path ??= hostPath;
        var info = new FileInfo(hostPath);
        if (!info.Exists && !Directory.Exists(hostPath) && info.LinkTarget is null) return;
        var full = Full(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        HostProcess.Run("cp", "-a", "--no-preserve=context", hostPath, full).Check($"copying {hostPath} into an image layer");
        foreach (var entry in Listing(hostPath)) Note($"c {path} {entry}");
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
