using System.Text.Json.Nodes;
using Podway.Node.Runtime.Oci;

namespace Podway.Node.Tests.Runtime;

/// <summary>The RuntimeDefault seccomp profile as containerd/moby make it, read the way the kernel filter would apply it.</summary>
public sealed class SeccompProfilesTests
{
    /// <summary>containerd's default capability set for a container (no CAP_SYS_ADMIN, no CAP_SYS_PTRACE).</summary>
    internal static readonly string[] DefaultCaps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    static IEnumerable<JsonObject> RulesFor(JsonObject profile, string syscall) =>
        profile["syscalls"]!.AsArray().OfType<JsonObject>().Where(r => r["names"]!.AsArray().Any(n => n!.GetValue<string>() == syscall));

    /// <summary>Allowed whatever its arguments.</summary>
    static bool AllowedOutright(JsonObject profile, string syscall) =>
        RulesFor(profile, syscall).Any(r => r["action"]!.GetValue<string>() == "SCMP_ACT_ALLOW" && r["args"] is null);

    [Theory]
    [InlineData("amd64", new[] { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" })]
    [InlineData("arm64", new[] { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" })]
    public void RuntimeDefault_Architecture_DeniesByDefaultWithEpermForNativeAndCompatArches(string arch, string[] architectures)
    {
        var profile = SeccompProfiles.RuntimeDefault(DefaultCaps, arch);
        Assert.Equal("SCMP_ACT_ERRNO", profile["defaultAction"]!.GetValue<string>());
        Assert.Equal(1, profile["defaultErrnoRet"]!.GetValue<int>());
        Assert.Equal(architectures, profile["architectures"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Theory]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("openat")]
    [InlineData("execve")]
    [InlineData("futex")]
    [InlineData("epoll_wait")]
    [InlineData("ptrace")]
    [InlineData("io_uring_setup")]
    public void RuntimeDefault_EverydaySyscalls_Allowed(string syscall) =>
        Assert.True(AllowedOutright(SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64"), syscall));

    [Theory]
    [InlineData("kexec_load")]
    [InlineData("mount")]
    [InlineData("umount2")]
    [InlineData("unshare")]
    [InlineData("setns")]
    [InlineData("bpf")]
    [InlineData("init_module")]
    [InlineData("reboot")]
    [InlineData("open_by_handle_at")]
    [InlineData("kcmp")]
    [InlineData("userfaultfd")]
    public void RuntimeDefault_DefaultCapabilities_LeavesDangerousSyscallsToTheDefaultEperm(string syscall) =>
        Assert.Empty(RulesFor(SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64"), syscall));

    [Theory]
    [InlineData("CAP_SYS_ADMIN", "mount")]
    [InlineData("SYS_ADMIN", "unshare")]       // kube's spelling of capabilities
    [InlineData("CAP_SYS_BOOT", "reboot")]
    [InlineData("CAP_SYS_MODULE", "finit_module")]
    [InlineData("CAP_SYS_PTRACE", "kcmp")]
    [InlineData("CAP_DAC_READ_SEARCH", "open_by_handle_at")]
    [InlineData("CAP_BPF", "bpf")]
    [InlineData("CAP_SYS_TIME", "clock_settime")]
    public void RuntimeDefault_WithTheCapability_AllowsWhatItUnlocks(string capability, string syscall)
    {
        Assert.False(AllowedOutright(SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64"), syscall));
        Assert.True(AllowedOutright(SeccompProfiles.RuntimeDefault([.. DefaultCaps, capability], "amd64"), syscall));
    }

    [Fact]
    public void RuntimeDefault_WithoutSysAdmin_CloneOnlyWithoutNamespaceFlagsAndClone3Enosys()
    {
        var profile = SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64");
        var clone = Assert.Single(RulesFor(profile, "clone"));
        Assert.Equal("SCMP_ACT_ALLOW", clone["action"]!.GetValue<string>());
        var arg = Assert.Single(clone["args"]!.AsArray())!;
        Assert.Equal(0, arg["index"]!.GetValue<int>());
        Assert.Equal(0x7E020000UL, arg["value"]!.GetValue<ulong>()); // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
        Assert.Equal("SCMP_CMP_MASKED_EQ", arg["op"]!.GetValue<string>());
        var clone3 = Assert.Single(RulesFor(profile, "clone3"));
        Assert.Equal("SCMP_ACT_ERRNO", clone3["action"]!.GetValue<string>());
        Assert.Equal(38, clone3["errnoRet"]!.GetValue<int>()); // ENOSYS: libc falls back to clone, which can be filtered

        var admin = SeccompProfiles.RuntimeDefault([.. DefaultCaps, "CAP_SYS_ADMIN"], "amd64");
        Assert.True(AllowedOutright(admin, "clone"));
        Assert.True(AllowedOutright(admin, "clone3"));
        Assert.DoesNotContain(RulesFor(admin, "clone3"), r => r["action"]!.GetValue<string>() == "SCMP_ACT_ERRNO");
    }

    [Fact]
    public void RuntimeDefault_Personality_OnlyItsHarmlessValues()
    {
        var rules = RulesFor(SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64"), "personality").ToList();
        Assert.All(rules, r => Assert.Equal("SCMP_CMP_EQ", r["args"]![0]!["op"]!.GetValue<string>()));
        Assert.Equal([0UL, 8UL, 0x20000UL, 0x20008UL, 0xffffffffUL], rules.Select(r => r["args"]![0]!["value"]!.GetValue<ulong>()));
    }

    [Fact]
    public void RuntimeDefault_Socket_EveryFamilyButVsock()
    {
        var socket = Assert.Single(RulesFor(SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64"), "socket"));
        Assert.Equal(40UL, socket["args"]![0]!["value"]!.GetValue<ulong>()); // AF_VSOCK
        Assert.Equal("SCMP_CMP_NE", socket["args"]![0]!["op"]!.GetValue<string>());
    }

    [Fact]
    public void RuntimeDefault_ArchSpecificSyscalls_OnlyOnTheirArchitecture()
    {
        var amd64 = SeccompProfiles.RuntimeDefault(DefaultCaps, "amd64");
        var arm64 = SeccompProfiles.RuntimeDefault(DefaultCaps, "arm64");
        Assert.True(AllowedOutright(amd64, "arch_prctl"));
        Assert.True(AllowedOutright(amd64, "modify_ldt"));
        Assert.False(AllowedOutright(arm64, "arch_prctl"));
        Assert.True(AllowedOutright(arm64, "set_tls"));
        Assert.True(AllowedOutright(arm64, "cacheflush"));
        Assert.False(AllowedOutright(amd64, "set_tls"));
        Assert.Throws<PlatformNotSupportedException>(() => SeccompProfiles.RuntimeDefault(DefaultCaps, "mips64"));
    }
}
