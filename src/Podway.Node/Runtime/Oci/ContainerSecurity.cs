using Podway.Client;
using System.Text.Json.Nodes;
using Podway.Node.Kubelet;

namespace Podway.Node.Runtime.Oci;

/// <summary>
/// A container's effective security settings: the Pod's securityContext overlaid by the container's, as the kubelet
/// computes them (pkg/kubelet/kuberuntime/security_context.go), with containerd's defaults for what neither sets.
/// </summary>
internal sealed record ContainerSecurity
{
    /// <summary>containerd's default capability set (oci.DefaultCaps / Docker's).</summary>
    public static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public long Uid { get; init; }
    public long Gid { get; init; }
    public IReadOnlyList<long> AdditionalGids { get; init; } = [];
    public IReadOnlyList<string> Capabilities { get; init; } = DefaultCapabilities;
    public bool Privileged { get; init; }
    public bool NoNewPrivileges { get; init; }
    public bool ReadOnlyRoot { get; init; }
    /// <summary>"RuntimeDefault", "Unconfined" or "Localhost" (seccompProfile.type); Unconfined is the kubelet's default.</summary>
    public string Seccomp { get; init; } = "Unconfined";
    /// <summary>The Pod's fsGroup: owner group of its writable volumes, and one of every container's groups.</summary>
    public long? FsGroup { get; init; }

    /// <param name="imageUid">the user the image runs as (0 for every built-in image)</param>
    /// <exception cref="ContainerConfigException">runAsNonRoot with a root user, with the kubelet's message</exception>
    public static ContainerSecurity Resolve(JsonObject pod, JsonObject container, long imageUid = 0)
    {
        var podSc = pod["spec"]?["securityContext"] as JsonObject;
        var sc = container["securityContext"] as JsonObject;
        long? Long(string field) => (sc?[field] ?? podSc?[field])?.GetValue<long>();
        bool? Bool(string field) => (sc?[field] ?? podSc?[field])?.GetValue<bool>();

        var uid = Long("runAsUser") ?? imageUid;
        // containerd looks the group up in the image's /etc/passwd; every built-in image runs its users in group 0 unless told.
        var gid = Long("runAsGroup") ?? 0;
        var fsGroup = podSc?["fsGroup"]?.GetValue<long>();
        var groups = (podSc?["supplementalGroups"] as JsonArray ?? []).Select(g => g!.GetValue<long>()).ToList();
        if (fsGroup is { } fg) groups.Add(fg);

        if (Bool("runAsNonRoot") == true)
        {
            var podRef = $"{ObjectMeta.Name(pod)}_{ObjectMeta.Namespace(pod)}({ObjectMeta.Uid(pod)})";
            var name = container["name"]?.GetValue<string>();
            if (Long("runAsUser") is 0)
                throw new ContainerConfigException($"container's runAsUser breaks non-root policy (pod: \"{podRef}\", container: {name})");
            if (uid == 0)
                throw new ContainerConfigException($"container has runAsNonRoot and image will run as root (pod: \"{podRef}\", container: {name})");
        }

        var privileged = sc?["privileged"]?.GetValue<bool>() == true;
        var caps = privileged ? AllCapabilities() : CapabilitySet(sc?["capabilities"] as JsonObject);
        var allowEscalation = sc?["allowPrivilegeEscalation"]?.GetValue<bool>();
        var seccomp = (sc?["seccompProfile"]?["type"] ?? podSc?["seccompProfile"]?["type"])?.GetValue<string>() ?? "Unconfined";
        return new ContainerSecurity
        {
            Uid = uid,
            Gid = gid,
            AdditionalGids = [.. groups.Distinct()],
            Capabilities = caps,
            Privileged = privileged,
            // The kubelet: no_new_privs unless escalation is allowed (the default) or the container is privileged.
            NoNewPrivileges = allowEscalation == false && !privileged,
            ReadOnlyRoot = sc?["readOnlyRootFilesystem"]?.GetValue<bool>() == true,
            Seccomp = privileged ? "Unconfined" : seccomp,
            FsGroup = fsGroup,
        };
    }

    /// <summary>Default set, then add, then drop ("ALL" in either), as containerd's WithAddedCapabilities/WithDroppedCapabilities.</summary>
    static IReadOnlyList<string> CapabilitySet(JsonObject? capabilities)
    {
        var add = Names(capabilities?["add"]);
        var drop = Names(capabilities?["drop"]);
        var set = new List<string>(add.Contains("CAP_ALL") ? AllCapabilities() : DefaultCapabilities);
        foreach (var c in add.Where(c => c != "CAP_ALL" && !set.Contains(c))) set.Add(c);
        if (drop.Contains("CAP_ALL")) set.RemoveAll(c => !add.Contains(c));
        else set.RemoveAll(drop.Contains);
        return set;
    }

    static HashSet<string> Names(JsonNode? list) =>
        [.. (list as JsonArray ?? []).Select(n => n!.GetValue<string>().ToUpperInvariant()).Select(n => n.StartsWith("CAP_", StringComparison.Ordinal) ? n : "CAP_" + n)];

    /// <summary>Every capability this kernel knows (cap_last_cap), by name.</summary>
    public static IReadOnlyList<string> AllCapabilities()
    {
        var last = int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out var n) ? n : 40;
        return [.. KnownCapabilities.Take(last + 1)];
    }

    static readonly string[] KnownCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];
}
