using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Podway.Node.Tests.Runtime;

/// <summary>
/// A tiny container for runtime tests: the host's /usr read-only, /proc and a /tmp, CAP_SYS_ADMIN held, in a state root
/// and bundle of its own (a test never sees or touches containers it did not make).
/// </summary>
internal static class TinyContainer
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="runtime"/>; <paramref name="whileRunning"/> sees the runtime's process.</summary>
    public static async Task<string> RunAsync(string runtime, string script, JsonObject? seccomp, Func<Process, Task>? whileRunning = null)
    {
        var bundle = Directory.CreateTempSubdirectory("podway-tiny-");
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
                    ["args"] = new JsonArray("/bin/sh", "-c", script),
                    ["env"] = new JsonArray("PATH=/usr/sbin:/usr/bin:/sbin:/bin"),
                    ["cwd"] = "/",
                    ["capabilities"] = new JsonObject { ["bounding"] = caps.DeepClone(), ["effective"] = caps.DeepClone(), ["permitted"] = caps.DeepClone() },
                    ["noNewPrivileges"] = true,
                },
                ["root"] = new JsonObject { ["path"] = "rootfs", ["readonly"] = true },
                ["hostname"] = "tiny",
                ["mounts"] = mounts,
                ["linux"] = new JsonObject
                {
                    ["namespaces"] = new JsonArray([.. new[] { "pid", "mount", "ipc", "uts", "network" }.Select(n => (JsonNode)new JsonObject { ["type"] = n })]),
                },
            };
            if (seccomp is not null) config["linux"]!["seccomp"] = seccomp;
            await File.WriteAllTextAsync(Path.Combine(bundle.FullName, "config.json"), config.ToJsonString());

            var psi = new ProcessStartInfo(runtime) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // A state root of its own: the test never sees or touches containers it did not make.
            foreach (var a in new[] { "--root", Path.Combine(bundle.FullName, "state"), "run", "--bundle", bundle.FullName, "tiny-" + Guid.NewGuid().ToString("N")[..8] })
                psi.ArgumentList.Add(a);
            using var crun = Process.Start(psi)!;
            var stdout = crun.StandardOutput.ReadToEndAsync();
            var stderr = crun.StandardError.ReadToEndAsync();
            if (whileRunning is not null) await whileRunning(crun);
            await crun.WaitForExitAsync();
            var output = await stdout + await stderr;
            Assert.True(crun.ExitCode == 0, $"crun exited {crun.ExitCode}: {output}");
            return output;
        }
        finally { bundle.Delete(recursive: true); }
    }
}
