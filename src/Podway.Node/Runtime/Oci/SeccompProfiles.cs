using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Podway.Node.Runtime.Oci;

/// <summary>
/// The seccomp profile `RuntimeDefault` means (the one containerd and moby give every container), as the OCI
/// runtime-spec `linux.seccomp` object for one architecture and the container's effective capabilities:
/// everything not allowed fails with EPERM; a fixed allowlist; syscalls a capability unlocks only when the
/// container has it; without CAP_SYS_ADMIN, clone only without namespace flags and clone3 answering ENOSYS (so
/// libc falls back to the clone it can filter); personality only for its harmless values.
/// The rules mirror moby's profiles/seccomp/default.json as its setupSeccomp filters it (same names, same order).
/// </summary>
internal static class SeccompProfiles
{
    /// <summary>
    /// The profile for a container with these capabilities ("CAP_SYS_ADMIN" or kube's "SYS_ADMIN"), on goArch
    /// ("amd64" or "arm64", the machine's own by default). Kernels before 4.8 are not supported by podway, so
    /// ptrace and process_vm_* are allowed as moby allows them there.
    /// </summary>
    public static JsonObject RuntimeDefault(IEnumerable<string> capabilities, string? goArch = null)
    {
        var arch = goArch ?? MachineArch();
        if (!Architectures.TryGetValue(arch, out var architectures))
            throw new PlatformNotSupportedException($"no RuntimeDefault seccomp profile for architecture {arch}");
        var caps = capabilities.Select(Normalize).ToHashSet(StringComparer.Ordinal);

        var syscalls = new JsonArray();
        foreach (var rule in Rules)
        {
            if (rule.OnlyOn is { } only && !only.Contains(arch)) continue;
            if (rule.NotOn is { } not && not.Contains(arch)) continue;
            if (rule.WithCaps is { } needed && !needed.All(caps.Contains)) continue;
            if (rule.WithoutCaps is { } excluded && excluded.Any(caps.Contains)) continue;
            syscalls.Add((JsonNode)rule.ToJson());
        }
        return new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["defaultErrnoRet"] = EPERM,
            ["architectures"] = new JsonArray([.. architectures.Select(a => (JsonNode)a)]),
            ["syscalls"] = syscalls,
        };
    }

    const int EPERM = 1, ENOSYS = 38;

    /// <summary>CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: clone may set none of them without CAP_SYS_ADMIN.</summary>
    const ulong CloneNamespaceFlags = 0x7E020000;

    /// <summary>PER_LINUX, UNAME26, PER_LINUX32, UNAME26|PER_LINUX32, and 0xffffffff (the query).</summary>
    static readonly ulong[] Personalities = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    /// <summary>The native seccomp architecture and the compat ones its kernel also runs.</summary>
    static readonly Dictionary<string, string[]> Architectures = new()
    {
        ["amd64"] = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        ["arm64"] = ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
    };

    static string MachineArch() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    static string Normalize(string cap)
    {
        var upper = cap.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
    }

    sealed record Arg(int Index, ulong Value, string Op);

    sealed record Rule(string[] Names)
    {
        public string Action { get; init; } = "SCMP_ACT_ALLOW";
        public int? ErrnoRet { get; init; }
        public Arg[] Args { get; init; } = [];
        public string[]? WithCaps { get; init; }
        public string[]? WithoutCaps { get; init; }
        public string[]? OnlyOn { get; init; }
        public string[]? NotOn { get; init; }

        public JsonObject ToJson()
        {
            var json = new JsonObject
            {
                ["names"] = new JsonArray([.. Names.Select(n => (JsonNode)n)]),
                ["action"] = Action,
            };
            if (Args.Length > 0)
                json["args"] = new JsonArray([.. Args.Select(a => (JsonNode)new JsonObject { ["index"] = a.Index, ["value"] = a.Value, ["op"] = a.Op })]);
            if (ErrnoRet is { } errno) json["errnoRet"] = errno;
            return json;
        }
    }

    static Rule Allow(params string[] names) => new(names);

    static readonly Rule[] Rules =
    [
        Allow(SeccompAllowlist.Always),
        Allow("process_vm_readv", "process_vm_writev", "ptrace"), // moby: kernel >= 4.8, where ptrace can no longer bypass seccomp
        Allow("socket") with { Args = [new(0, 40, "SCMP_CMP_NE")] }, // every family but AF_VSOCK
        .. Personalities.Select(p => Allow("personality") with { Args = [new(0, p, "SCMP_CMP_EQ")] }),
        Allow("sync_file_range2", "swapcontext") with { OnlyOn = ["ppc64le"] },
        Allow("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls") with { OnlyOn = ["arm", "arm64"] },
        Allow("arch_prctl") with { OnlyOn = ["amd64", "x32"] },
        Allow("modify_ldt") with { OnlyOn = ["amd64", "x32", "x86"] },
        Allow("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr") with { OnlyOn = ["s390", "s390x"] },
        Allow("riscv_flush_icache") with { OnlyOn = ["riscv64"] },
        Allow("open_by_handle_at") with { WithCaps = ["CAP_DAC_READ_SEARCH"] },
        Allow("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
            "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
            "setns", "syslog", "umount", "umount2", "unshare") with { WithCaps = ["CAP_SYS_ADMIN"] },
        Allow("clone") with { Args = [new(0, CloneNamespaceFlags, "SCMP_CMP_MASKED_EQ")], WithoutCaps = ["CAP_SYS_ADMIN"], NotOn = ["s390", "s390x"] },
        Allow("clone") with { Args = [new(1, CloneNamespaceFlags, "SCMP_CMP_MASKED_EQ")], WithoutCaps = ["CAP_SYS_ADMIN"], OnlyOn = ["s390", "s390x"] },
        new Rule(["clone3"]) { Action = "SCMP_ACT_ERRNO", ErrnoRet = ENOSYS, WithoutCaps = ["CAP_SYS_ADMIN"] },
        Allow("reboot") with { WithCaps = ["CAP_SYS_BOOT"] },
        Allow("chroot") with { WithCaps = ["CAP_SYS_CHROOT"] },
        Allow("delete_module", "init_module", "finit_module") with { WithCaps = ["CAP_SYS_MODULE"] },
        Allow("acct") with { WithCaps = ["CAP_SYS_PACCT"] },
        Allow("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace") with { WithCaps = ["CAP_SYS_PTRACE"] },
        Allow("iopl", "ioperm") with { WithCaps = ["CAP_SYS_RAWIO"] },
        Allow("settimeofday", "stime", "clock_settime", "clock_settime64") with { WithCaps = ["CAP_SYS_TIME"] },
        Allow("vhangup") with { WithCaps = ["CAP_SYS_TTY_CONFIG"] },
        Allow("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node") with { WithCaps = ["CAP_SYS_NICE"] },
        Allow("syslog") with { WithCaps = ["CAP_SYSLOG"] },
        Allow("bpf") with { WithCaps = ["CAP_BPF"] },
        Allow("perf_event_open") with { WithCaps = ["CAP_PERFMON"] },
    ];
}
