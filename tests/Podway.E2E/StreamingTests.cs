using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Podway.E2E;

/// <summary>exec, logs, run and port-forward against real Pods, as the seeds' debugging checklists use them.</summary>
[Collection("cluster")]
public sealed class StreamingTests(ClusterFixture cluster)
{
    async Task<string> ReadyPodAsync(string ns, string name, string image, params string[] command)
    {
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", ns)).ExitCode);
        var args = new List<string> { "run", name, "-n", ns, $"--image={image}", "--restart=Never" };
        if (command.Length > 0) { args.Add("--"); args.AddRange(command); }
        Assert.Equal(0, (await cluster.KubectlAsync(args.ToArray())).ExitCode);
        var wait = await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", $"pod/{name}", "--timeout=90s");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        return name;
    }

    [Fact]
    public async Task Exec_RunsInThePodWithItsHostnameAndExitCode()
    {
        var ns = "exec-" + Guid.NewGuid().ToString("N")[..5];
        await ReadyPodAsync(ns, "shell", "busybox", "sleep", "3600");
        var hostname = await cluster.KubectlAsync("exec", "-n", ns, "shell", "--", "hostname");
        Assert.Equal("shell", hostname.Stdout.Trim());
        var resolv = await cluster.KubectlAsync("exec", "-n", ns, "shell", "--", "cat", "/etc/resolv.conf");
        Assert.Contains("nameserver 10.96.0.10", resolv.Stdout);
        Assert.Contains($"search {ns}.svc.cluster.local svc.cluster.local cluster.local", resolv.Stdout);
        Assert.Contains("options ndots:5", resolv.Stdout);
        var failing = await cluster.KubectlAsync("exec", "-n", ns, "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, failing.ExitCode);
        Assert.Contains("out", failing.Stdout);
        Assert.Contains("err", failing.Stderr);
        var stdin = await cluster.KubectlStdinAsync("piped line\n", "exec", "-i", "-n", ns, "shell", "--", "cat");
        Assert.Equal("piped line", stdin.Stdout.Trim());
    }

    [Fact]
    public async Task RunRm_ShowsOutputAndDeletesThePod()
    {
        var ns = "run-" + Guid.NewGuid().ToString("N")[..5];
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", ns)).ExitCode);
        var run = await cluster.KubectlAsync("run", "once", "-n", ns, "--rm", "-i", "--image=busybox", "--restart=Never", "--", "echo", "hello from a pod");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("hello from a pod", run.Stdout);
        Assert.Contains("pod \"once\" deleted", run.Output);
        Assert.Contains("NotFound", (await cluster.KubectlAsync("get", "pod", "once", "-n", ns)).Stderr);
    }

    [Fact]
    public async Task PortForward_BothTransports_ReachNginx()
    {
        var ns = "pf-" + Guid.NewGuid().ToString("N")[..5];
        await ReadyPodAsync(ns, "web", "nginx");
        foreach (var websockets in new[] { "true", "false" })
        {
            var port = FreePort();
            var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "port-forward", "-n", ns, "pod/web", $"{port}:80" }) psi.ArgumentList.Add(a);
            foreach (var (k, v) in cluster.Env) psi.Environment[k] = v;
            psi.Environment["KUBECONFIG"] = cluster.Kubeconfig;
            psi.Environment["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = websockets;
            using var forward = Process.Start(psi)!;
            try
            {
                var page = await Eventually.ValueAsync(() => Processes.RunAsync("curl", ["-s", "--max-time", "5", $"http://127.0.0.1:{port}/"]),
                    r => r.Stdout.Contains("Welcome to nginx!"), $"nginx through port-forward (websockets={websockets})", seconds: 30);
                Assert.Contains("Welcome to nginx!", page.Stdout);
            }
            finally { forward.Kill(); }
        }
    }

    [Fact]
    public async Task LogsFollow_StreamsNewLines()
    {
        var ns = "logs-" + Guid.NewGuid().ToString("N")[..5];
        await ReadyPodAsync(ns, "ticker", "busybox", "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done");
        await Eventually.ValueAsync(() => cluster.KubectlAsync("logs", "-n", ns, "ticker"), r => r.Stdout.Contains("tick 3"), "a few ticks");
        var tail = await cluster.KubectlAsync("logs", "-n", ns, "ticker", "--tail=2");
        Assert.Equal(2, tail.Stdout.Trim().Split('\n').Length);
        var follow = await Processes.RunAsync("timeout", ["3", "kubectl", "logs", "-f", "-n", ns, "ticker", "--kubeconfig", cluster.Kubeconfig], cluster.Env);
        var ticks = follow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.StartsWith("tick ")).ToList();
        Assert.True(ticks.Count >= 5, follow.ToString());
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
