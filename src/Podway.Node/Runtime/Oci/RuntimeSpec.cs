using System.Text.Json.Nodes;

namespace Podway.Node.Runtime.Oci;

/// <summary>What one container's OCI runtime spec (config.json) is made from.</summary>
internal sealed record RuntimeSpecInput
{
    public required IReadOnlyList<string> Args { get; init; }
    public required IReadOnlyDictionary<string, string> Env { get; init; }
    public string? WorkingDir { get; init; }
    public required ContainerSecurity Security { get; init; }
    /// <summary>The sandbox holder's pid: the container joins its network, UTS and IPC namespaces (and PID, when shared).</summary>
    public required int SandboxPid { get; init; }
    public bool SharePidNamespace { get; init; }
    /// <summary>Join this process's PID namespace instead (an ephemeral container's target).</summary>
    public int? JoinPidNamespaceOf { get; init; }
    /// <summary>Overlay lower directories for /usr, top first (an image's own /usr files above the host's).</summary>
    public required IReadOnlyList<string> UsrLowerDirs { get; init; }
    public required string UsrUpperDir { get; init; }
    public required string UsrWorkDir { get; init; }
    /// <summary>Extra bind mounts: (host source, container destination, read-only).</summary>
    public IReadOnlyList<(string Source, string Destination, bool ReadOnly)> Binds { get; init; } = [];
    public JsonObject? Seccomp { get; init; }
}

/// <summary>
/// Builds the OCI runtime spec as containerd's CRI plugin does for a Kubernetes container: new mount, PID (unless
/// shared), and cgroup namespaces; the sandbox's network, UTS and IPC namespaces; Docker's /dev, /proc and /sys with
/// its masked and read-only paths (none for privileged containers); the user, capabilities and no_new_privs from
/// ContainerSecurity. The root (a prepared overlay) is the bundle's rootfs directory.
/// </summary>
internal static class RuntimeSpec
{
    static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];
    static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>
    /// containerd gives containers 1048576 open files; a container cannot raise its limit past the agent's own hard
    /// limit once its capabilities are dropped, so it gets the smaller of the two.
    /// </summary>
    static readonly Lazy<long> OpenFilesLimit = new(() =>
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 4 } && long.TryParse(fields[4], out var hard) ? Math.Min(hard, 1048576) : 1048576;
    });

    public static JsonObject Build(RuntimeSpecInput input)
    {
        var sec = input.Security;
        var ns = new JsonArray(
            Ns("mount"),
            Ns("cgroup"),
            Ns("network", $"/proc/{input.SandboxPid}/ns/net"),
            Ns("uts", $"/proc/{input.SandboxPid}/ns/uts"),
            Ns("ipc", $"/proc/{input.SandboxPid}/ns/ipc"),
            input.JoinPidNamespaceOf is { } target ? Ns("pid", $"/proc/{target}/ns/pid")
                : input.SharePidNamespace ? Ns("pid", $"/proc/{input.SandboxPid}/ns/pid") : Ns("pid"));
        var linux = new JsonObject
        {
            ["namespaces"] = ns,
            ["rootfsPropagation"] = "rprivate",
        };
        if (!sec.Privileged)
        {
            linux["maskedPaths"] = new JsonArray([.. MaskedPaths.Select(p => (JsonNode)p)]);
            linux["readonlyPaths"] = new JsonArray([.. ReadonlyPaths.Select(p => (JsonNode)p)]);
        }
        if (input.Seccomp is { } seccomp) linux["seccomp"] = seccomp;

        return new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = Process(input.Args, input.Env, input.WorkingDir, sec, terminal: false),
            ["root"] = new JsonObject { ["path"] = "rootfs", ["readonly"] = sec.ReadOnlyRoot },
            ["mounts"] = Mounts(input),
            ["linux"] = linux,
        };
    }

    /// <summary>The process object of config.json and of `crun exec --process`.</summary>
    public static JsonObject Process(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, string? workingDir, ContainerSecurity sec, bool terminal)
    {
        var caps = new JsonArray([.. sec.Capabilities.Select(c => (JsonNode)c)]);
        return new JsonObject
        {
            ["terminal"] = terminal,
            ["user"] = new JsonObject
            {
                ["uid"] = sec.Uid,
                ["gid"] = sec.Gid,
                ["additionalGids"] = new JsonArray([.. sec.AdditionalGids.Select(g => (JsonNode)g)]),
            },
            ["args"] = new JsonArray([.. args.Select(a => (JsonNode)a)]),
            ["env"] = new JsonArray([.. env.Select(kv => (JsonNode)$"{kv.Key}={kv.Value}")]),
            ["cwd"] = workingDir is { Length: > 0 } wd && wd.StartsWith('/') ? wd : "/",
            ["capabilities"] = new JsonObject
            {
                ["bounding"] = caps.DeepClone(),
                ["effective"] = caps.DeepClone(),
                ["permitted"] = caps.DeepClone(),
            },
            ["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = OpenFilesLimit.Value, ["soft"] = OpenFilesLimit.Value }),
            ["noNewPrivileges"] = sec.NoNewPrivileges,
        };
    }

    static JsonArray Mounts(RuntimeSpecInput input)
    {
        var ro = input.Security.ReadOnlyRoot;
        var sysOptions = input.Security.Privileged ? new[] { "nosuid", "noexec", "nodev" } : ["nosuid", "noexec", "nodev", "ro"];
        var mounts = new JsonArray(
            Mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
            Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
            Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
            Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
            Mount("/sys", "sysfs", "sysfs", sysOptions),
            // The host's /usr (programs and libraries) under the image's own /usr files, writable per container.
            Mount("/usr", "overlay", "overlay",
                [$"lowerdir={string.Join(':', input.UsrLowerDirs)}", $"upperdir={input.UsrUpperDir}", $"workdir={input.UsrWorkDir}", .. ro ? new[] { "ro" } : []]));
        foreach (var (source, destination, readOnly) in input.Binds)
            mounts.Add((JsonNode)Mount(destination, "bind", source, ["rbind", "rprivate", readOnly ? "ro" : "rw"]));
        return mounts;
    }

    static JsonObject Ns(string type, string? path = null)
    {
        var o = new JsonObject { ["type"] = type };
        if (path is not null) o["path"] = path;
        return o;
    }

    static JsonObject Mount(string destination, string type, string source, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = new JsonArray([.. options.Select(o => (JsonNode)o)]),
    };
}
