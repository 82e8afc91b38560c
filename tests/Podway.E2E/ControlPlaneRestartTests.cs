using System.Text.RegularExpressions;

namespace Podway.E2E;

/// <summary>The control plane dies (SIGKILL): its supervisor starts it again and the cluster keeps serving new objects.</summary>
[Collection("cluster")]
public sealed class ControlPlaneRestartTests(ClusterFixture cluster)
{
    string PidFile => Path.Combine(cluster.DataDir, "podway.pid");

    int? ServerPid() => int.TryParse(File.Exists(PidFile) ? File.ReadAllText(PidFile).Trim() : "", out var pid) ? pid : null;

    [Fact]
    public async Task ServerKilled_ComesBackByItself_AndDnsAndIngressServeNewObjectsAfterwards()
    {
        var before = ServerPid() ?? throw new InvalidOperationException($"no server pid in {PidFile}");
        var kill = await Processes.RunAsync("kill", ["-KILL", before.ToString()]);
        Assert.True(kill.ExitCode == 0, kill.ToString());

        await Eventually.ValueAsync(async () => ServerPid() is { } pid && pid != before && (await cluster.KubectlAsync("get", "--raw", "/readyz")).ExitCode == 0,
            ok => ok, "a new server answering /readyz");
        var status = await cluster.PodwayAsync("status", "--name", cluster.Name, "--data-dir", cluster.DataDir);
        Assert.Matches(new Regex(@"restarts:\s+[1-9]"), status.Stdout);

        // Objects made after the restart reach the add-ons that ran through it (their credentials still hold) and the
        // node agent (a new one, which adopted the Pods).
        var ns = await cluster.NewNamespaceAsync("restart");
        var host = EdgeCluster.UniqueHost("restart");
        await cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 1) + "\n---\n" + EdgeCluster.WebIngress("web", host));
        await cluster.RolledOutAsync(ns, "web");
        var address = await cluster.AddressAsync(ns, "web");
        var answer = await EdgeCluster.CurlUntilAsync(r => r.ExitCode == 0 && r.Stdout.StartsWith("web-"), "the new Ingress answering",
            "-H", $"Host: {host}", $"http://{address}/");
        Assert.StartsWith("web-", answer.Stdout);

        Assert.Equal(0, (await cluster.KubectlAsync("run", "probe", "-n", ns, "--image=busybox", "--", "sleep", "3600")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/probe", "--timeout=90s")).ExitCode);
        var lookup = await Eventually.ValueAsync(() => cluster.KubectlAsync("exec", "-n", ns, "probe", "--", "nslookup", $"web.{ns}.svc.cluster.local"),
            r => r.ExitCode == 0, "the new Service resolving in cluster DNS");
        var clusterIp = (await cluster.KubectlAsync("get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Stdout.Trim();
        Assert.Contains(clusterIp, lookup.Stdout);
    }
}
