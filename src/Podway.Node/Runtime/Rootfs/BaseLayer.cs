namespace Podway.Node.Runtime.Rootfs;

/// <summary>
/// The bottom layer of every container's root: a Debian-like skeleton whose /usr (and so /bin, /lib, /sbin, merged)
/// is the host's, read-only, with a few allowlisted files of the host's /etc (libraries, name service, certificates,
/// alternatives). Nothing else of the host is there: no /root, /home, /var/lib, /run, /tmp contents, no shadow files,
/// no podway data. Images add their own files in a layer above (ImageLayers).
/// </summary>
internal static class BaseLayer
{
    /// <summary>Host /etc entries a container may see; none holds a secret.</summary>
    static readonly string[] HostEtc =
    [
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "host.conf", "gai.conf", "services", "protocols", "ethertypes", "rpc",
        "mime.types", "ssl/certs", "ssl/openssl.cnf", "ca-certificates", "ca-certificates.conf", "alternatives", "os-release",
        "debian_version", "bash.bashrc", "profile", "inputrc", "localtime", "timezone", "wgetrc", "iproute2", "netconfig",
        "shells", "environment", "issue", "login.defs", "terminfo", "magic", "networks", "bindresvport.blacklist",
    ];

    public static readonly (string Name, int Uid, int Gid, string Home, string Shell)[] Users =
    [
        ("root", 0, 0, "/root", "/bin/sh"), ("daemon", 1, 1, "/usr/sbin", "/usr/sbin/nologin"), ("bin", 2, 2, "/bin", "/usr/sbin/nologin"),
        ("sys", 3, 3, "/dev", "/usr/sbin/nologin"), ("www-data", 33, 33, "/var/www", "/usr/sbin/nologin"),
        ("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin"),
    ];

    static readonly (string Name, int Gid)[] Groups =
    [
        ("root", 0), ("daemon", 1), ("bin", 2), ("sys", 3), ("adm", 4), ("tty", 5), ("disk", 6), ("wheel", 10), ("www-data", 33),
        ("users", 100), ("nogroup", 65534),
    ];

    public static void Write(LayerWriter layer)
    {
        foreach (var dir in new[] { "dev", "proc", "sys", "run", "mnt", "opt", "srv", "media", "home", "usr", "etc", "var", "var/log", "var/cache", "var/lib", "var/spool", "var/mail" })
            layer.Dir(dir);
        layer.Dir("root", Modes.Private);
        layer.Dir("tmp", Modes.Sticky);
        layer.Dir("var/tmp", Modes.Sticky);
        layer.Symlink("var/run", "/run");
        layer.Symlink("var/lock", "/run/lock");
        // Debian's merged /usr: the top-level program and library directories are links into /usr.
        foreach (var dir in new[] { "bin", "sbin", "lib", "lib64", "lib32", "libx32" })
            if (Path.Exists($"/usr/{dir}")) layer.Symlink(dir, $"usr/{dir}");
        layer.CopyFromHost(HostEtc.Select(entry => $"/etc/{entry}"));
        layer.File("etc/passwd", Passwd([]));
        layer.File("etc/group", Group([]));
        layer.File("etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\nethers: files\nrpc: files\n");
        // Mount points the runtime binds the Pod's files onto.
        foreach (var file in new[] { "etc/hosts", "etc/hostname", "etc/resolv.conf" }) layer.File(file, "");
    }

    public static string Passwd(IEnumerable<(string Name, int Uid, int Gid, string Home, string Shell)> extra) =>
        string.Concat(Users.Concat(extra).Select(u => $"{u.Name}:x:{u.Uid}:{u.Gid}:{u.Name}:{u.Home}:{u.Shell}\n"));

    public static string Group(IEnumerable<(string Name, int Gid)> extra) =>
        string.Concat(Groups.Concat(extra).Select(g => $"{g.Name}:x:{g.Gid}:\n"));
}
