using System.Text.Json.Nodes;
using Podway.Node.Runtime.Oci;

namespace Podway.Node.Tests.Runtime;

/// <summary>Runs only where crun is installed and the test runs as root (crun needs it to make namespaces).</summary>
public sealed class CrunFactAttribute : FactAttribute
{
    public CrunFactAttribute()
    {
        if (!File.Exists("/usr/bin/crun")) Skip = "crun is not installed (apt-get install -y crun)";
        else if (Environment.UserName != "root") Skip = "crun needs root";
    }
}

/// <summary>
/// The RuntimeDefault profile loaded into the kernel by a real OCI runtime: a tiny container that holds CAP_SYS_ADMIN,
/// so only seccomp can make mount and unshare fail.
/// </summary>
public sealed class SeccompCrunTests
{
    const string Script = "true; echo \"true=$?\"; unshare -U true 2>&1; echo \"unshare=$?\"; mount -t tmpfs none /mnt 2>&1; echo \"mount=$?\"";

    [CrunFact]
    public async Task Crun_ProfileWithoutSysAdmin_MountAndUnshareFailWithEpermWhileTrueRuns()
    {
        var output = await RunAsync(SeccompProfiles.RuntimeDefault(SeccompProfilesTests.DefaultCaps));
        Assert.Contains("true=0", output);
        Assert.Contains("unshare failed: Operation not permitted", output);
        Assert.Contains("unshare=1", output);
        Assert.DoesNotContain("mount=0", output);
    }

    [CrunFact]
    public async Task Crun_ProfileWithSysAdmin_MountAndUnshareWork()
    {
        var output = await RunAsync(SeccompProfiles.RuntimeDefault([.. SeccompProfilesTests.DefaultCaps, "CAP_SYS_ADMIN"]));
        Assert.Contains("true=0", output);
        Assert.Contains("unshare=0", output);
        Assert.Contains("mount=0", output);
    }

    static Task<string> RunAsync(JsonObject seccomp) => TinyContainer.RunAsync("/usr/bin/crun", Script, seccomp);
}
