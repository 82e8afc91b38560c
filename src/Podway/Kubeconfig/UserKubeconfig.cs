using Podway.HostSystem;

namespace Podway.Kubeconfig;

/// <summary>The kubeconfig file of the person who ran podway, and who should own it.</summary>
internal sealed record UserKubeconfig(string Path, int? OwnerUid, int? OwnerGid)
{
    /// <summary>
    /// First path of $KUBECONFIG if set, else ~/.kube/config of the invoking user: under sudo that is
    /// SUDO_USER's home (found in /etc/passwd), and the file is handed back to that user.
    /// </summary>
    public static UserKubeconfig Locate(Func<string, string?> env, string passwdFile = "/etc/passwd")
    {
        var sudoUser = env("SUDO_USER");
        var account = string.IsNullOrEmpty(sudoUser) || sudoUser == "root" ? null : PasswdEntry.Find(passwdFile, sudoUser);
        var kubeconfigVar = env("KUBECONFIG");
        if (!string.IsNullOrEmpty(kubeconfigVar))
        {
            var first = kubeconfigVar.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is not null) return new UserKubeconfig(System.IO.Path.GetFullPath(first), account?.Uid, account?.Gid);
        }
        var home = account?.Home ?? env("HOME") ?? "/root";
        return new UserKubeconfig(System.IO.Path.Combine(home, ".kube", "config"), account?.Uid, account?.Gid);
    }

    public string? ReadOrNull() => File.Exists(Path) ? File.ReadAllText(Path) : null;

    /// <summary>Writes atomically with mode 0600, creating ~/.kube if needed, owned by the invoking user.</summary>
    public void Write(string yaml)
    {
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            Chown(dir);
        }
        var tmp = Path + ".podway.tmp";
        File.WriteAllText(tmp, yaml);
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Chown(tmp);
        File.Move(tmp, Path, overwrite: true);
    }

    void Chown(string path)
    {
        if (OwnerUid is { } uid && OwnerGid is { } gid && Posix.chown(path, (uint)uid, (uint)gid) != 0)
            throw new IOException($"cannot give {path} to uid {uid}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }
}

internal sealed record PasswdEntry(string User, int Uid, int Gid, string Home)
{
    public static PasswdEntry? Find(string passwdFile, string user)
    {
        if (!File.Exists(passwdFile)) return null;
        foreach (var line in File.ReadLines(passwdFile))
        {
            var f = line.Split(':');
            if (f.Length >= 7 && f[0] == user && int.TryParse(f[2], out var uid) && int.TryParse(f[3], out var gid))
                return new PasswdEntry(user, uid, gid, f[5]);
        }
        return null;
    }
}
