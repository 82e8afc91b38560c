using System.Diagnostics;
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
/// The RuntimeDefault profile loaded into the kernel by a real OCI runtime: a tiny container (the host's /usr,
/// read-only) that holds CAP_SYS_ADMIN, so only seccomp can make mount and unshare fail.
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

    static async Task<string> RunAsync(JsonObject seccomp)
    {
        var bundle = Directory.CreateTempSubdirectory("podway-seccomp-");
        try
        {
            var rootfs = Path.Combine(bundle.FullName, "rootfs");
            foreach (var dir in new[] { "usr", "proc", "dev", "tmp", "mnt" }) Directory.CreateDirectory(Path.Combine(rootfs, dir));
            // Merged-/usr hosts link these into /usr; others get them bind-mounted read-only.
            var binds = new List<string> { "/usr" };
            foreach (var dir in new[] { "/bin", "/sbin", "/lib", "/lib64" })
            {
                var info = new DirectoryInfo(dir);
                if (!info.Exists) continue;
                if (info.LinkTarget is { } target) File.CreateSymbolicLink(Path.Combine(rootfs, dir.TrimStart('/')), target);
                else { Directory.CreateDirectory(Path.Combine(rootfs, dir.TrimStart('/'))); binds.Add(dir); }
            }
            var caps = new JsonArray([.. SeccompProfilesTests.DefaultCaps.Append("CAP_SYS_ADMIN").Select(c => (JsonNode)c)]);
            var mounts = new JsonArray
            {
                new JsonObject { ["destination"] = "/proc", ["type"] = "proc", ["source"] = "proc" },
                new JsonObject { ["destination"] = "/tmp", ["type"] = "tmpfs", ["source"] = "tmpfs" },
            };
            foreach (var dir in binds)
                mounts.Add(new JsonObject { ["destination"] = dir, ["type"] = "bind", ["source"] = dir, ["options"] = new JsonArray("rbind", "ro") });
            var config = new JsonObject
            {
                ["ociVersion"] = "1.0.2",
                ["process"] = new JsonObject
                {
                    ["terminal"] = false,
                    ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
                    ["args"] = new JsonArray("/bin/sh", "-c", Script),
                    ["env"] = new JsonArray("PATH=/usr/sbin:/usr/bin:/sbin:/bin"),
                    ["cwd"] = "/",
                    ["capabilities"] = new JsonObject { ["bounding"] = caps.DeepClone(), ["effective"] = caps.DeepClone(), ["permitted"] = caps.DeepClone() },
                    ["noNewPrivileges"] = true,
                },
                ["root"] = new JsonObject { ["path"] = "rootfs", ["readonly"] = true },
                ["hostname"] = "seccomp-test",
                ["mounts"] = mounts,
                ["linux"] = new JsonObject
                {
                    ["namespaces"] = new JsonArray([.. new[] { "pid", "mount", "ipc", "uts", "network" }.Select(n => (JsonNode)new JsonObject { ["type"] = n })]),
                    ["seccomp"] = seccomp,
                },
            };
            await File.WriteAllTextAsync(Path.Combine(bundle.FullName, "config.json"), config.ToJsonString());

            var psi = new ProcessStartInfo("/usr/bin/crun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // A state root of its own: the test never sees or touches containers it did not make.
            foreach (var a in new[] { "--root", Path.Combine(bundle.FullName, "state"), "run", "--bundle", bundle.FullName, "seccomp-" + Guid.NewGuid().ToString("N")[..8] })
                psi.ArgumentList.Add(a);
            using var crun = Process.Start(psi)!;
            var stdout = crun.StandardOutput.ReadToEndAsync();
            var stderr = crun.StandardError.ReadToEndAsync();
            await crun.WaitForExitAsync();
            var output = await stdout + await stderr;
            Assert.True(crun.ExitCode == 0, $"crun exited {crun.ExitCode}: {output}");
            return output;
        }
        finally { bundle.Delete(recursive: true); }
    }
}
