using System.Diagnostics;
using Podway.Node.Sandbox;
using Podway.Node.Tests.Network;

namespace Podway.Node.Tests.Sandbox;

internal static class SandboxTestSupport
{
    public static SandboxSpec Spec(string name, string? hostname = null, string? subdomain = null, string resolvConf = "nameserver 10.0.0.10\n",
        IReadOnlyList<HostPortMapping>? hostPorts = null, IReadOnlyList<(string, IReadOnlyList<string>)>? aliases = null) => new()
    {
        PodUid = Guid.NewGuid().ToString(),
        Namespace = "default",
        Name = name,
        Hostname = hostname ?? name,
        Subdomain = subdomain,
        ResolvConf = resolvConf,
        HostPorts = hostPorts ?? [],
        HostAliases = aliases ?? [],
    };

    /// <summary>Runs a program inside the Pod (as a container would) and returns its exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunIn(PodSandboxes sandboxes, SandboxInfo pod, string file, params string[] args)
    {
        var psi = sandboxes.Enter(pod, file, args);
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        return TestCluster.Run(psi);
    }

    /// <summary>Starts a TCP listener inside the Pod that answers every connection with `reply`.</summary>
    public static Process Listen(PodSandboxes sandboxes, SandboxInfo pod, int port, string reply)
    {
        var psi = sandboxes.Enter(pod, "sh", ["-c", $"while true; do echo {reply} | nc -N -l -p {port}; done"]);
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        return Process.Start(psi)!;
    }

    /// <summary>Connects from `run` (a pod or the node) to ip:port until the listener answers; returns what it said.</summary>
    public static string Connect(Func<string[], (int ExitCode, string Stdout, string Stderr)> run, string ip, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var r = run(["nc", "-w", "2", ip, port.ToString()]);
            if (r.ExitCode == 0 && r.Stdout.Trim().Length > 0) return r.Stdout.Trim();
            if (DateTime.UtcNow > deadline) return $"no answer (exit {r.ExitCode}): {r.Stderr.Trim()}";
            Thread.Sleep(100);
        }
    }

    public static void Stop(Process p)
    {
        try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        p.WaitForExit(5000);
        p.Dispose();
    }
}
