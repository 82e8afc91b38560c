using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// `podway flows` on the x/y/z matrix: a connection a NetworkPolicy denies, one it allows, one to a Service without
/// endpoints and the DNS question before it, each with the kernel's verdict, the policy's name and the Pods' names.
/// </summary>
[Collection("netpol")]
public sealed class FlowLogTests(NetpolCluster netpol)
{
    ClusterFixture Cluster => netpol.Cluster;

    Task<ProcessResult> FlowsAsync(params string[] args) =>
        Cluster.PodwayAsync(["flows", "--name", Cluster.Name, "--data-dir", Cluster.DataDir, .. args]);

    static List<JsonObject> Records(ProcessResult r) =>
        r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();

    [Fact]
    public async Task DeniedAllowedAndRejected_EachWithItsVerdictPolicyAndPods()
    {
        var (y, z) = (netpol.Ns("y"), netpol.Ns("z"));
        var apply = await Cluster.KubectlStdinAsync("{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: flows-deny-c}, spec: {podSelector: {matchLabels: {pod: c}}, policyTypes: [Ingress]}}",
            "apply", "-n", z, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var svc = await Cluster.KubectlAsync("create", "service", "clusterip", "flows-nobody", "-n", y, "--tcp=8080:8080");
        Assert.True(svc.ExitCode == 0, svc.ToString());
        try
        {
            var (c, a) = (netpol.Ips["z/c"], netpol.Ips["z/a"]);
            await Eventually.ValueAsync(() => Cluster.KubectlAsync("exec", "-n", y, "b", "--", "/agnhost", "connect", $"{c}:80", "--timeout=1s"),
                r => r.ExitCode != 0 && r.Stderr.Contains("TIMEOUT"), "y/b -> z/c:80 dropped", 60);
            var enforced = DateTimeOffset.UtcNow; // the matrix tests' earlier probes of z/c stay in the log, forwarded
            var allowed = await Cluster.KubectlAsync("exec", "-n", y, "b", "--", "/agnhost", "connect", $"{a}:81", "--timeout=3s");
            Assert.True(allowed.ExitCode == 0, allowed.ToString());
            var before = DateTimeOffset.UtcNow;
            var refused = await Cluster.KubectlAsync("exec", "-n", y, "b", "--", "/agnhost", "connect", $"flows-nobody.{y}.svc.cluster.local.:8080", "--timeout=3s");
            Assert.True(refused.ExitCode != 0 && refused.Stderr.Contains("REFUSED"), refused.ToString());
            var after = DateTimeOffset.UtcNow;
            // How soon the node's log has it (read as `podway flows` does, without the CLI's own start-up).
            var sent = Stopwatch.StartNew();
            await Eventually.ValueAsync(() => Cluster.KubectlAsync("get", "--raw", $"/api/v1/nodes/{Cluster.Name}-control-plane/proxy/flows"),
                r => r.Stdout.Contains("\"rejected\""), "the rejection in the node's flow log", 30);
            Console.WriteLine($"flow log: the rejected connection was in the node's log {sent.ElapsedMilliseconds} ms after the client saw it refused");

            var flows = await FlowsAsync("-n", y, "--pod", "b", "-o", "json");
            Assert.True(flows.ExitCode == 0, flows.ToString());
            var records = Records(flows);
            // Stamped when the kernel handed it over: while the client was connecting, not when someone asked.
            var rejected = records.Last(f => (string?)f["verdict"] == "rejected" && (string?)f["service"] == $"{y}/flows-nobody:8080-8080");
            var stamped = DateTimeOffset.Parse((string)rejected["time"]!);
            Assert.InRange(stamped, before.AddSeconds(-1), after.AddSeconds(1));
            Assert.All(records, f => Assert.True((string?)f["sourcePod"] == $"{y}/b" || (string?)f["destinationPod"] == $"{y}/b", f.ToJsonString()));

            Assert.Contains(records, f => (string?)f["verdict"] == "dropped" && (string?)f["destinationPod"] == $"{z}/c"
                && (int?)f["destinationPort"] == 80 && ((string?)f["reason"])?.Contains($"NetworkPolicy {z}/flows-deny-c") == true);
            Assert.Contains(records, f => (string?)f["verdict"] == "forwarded" && (string?)f["destinationPod"] == $"{z}/a" && (int?)f["destinationPort"] == 81);
            Assert.Contains(records, f => (string?)f["dnsQuery"] == $"A flows-nobody.{y}.svc.cluster.local.");
            Assert.DoesNotContain(records, f => (string?)f["verdict"] == "forwarded" && (string?)f["destinationPod"] == $"{z}/c"
                && DateTimeOffset.Parse((string)f["time"]!) > enforced);

            // The table a person reads, filtered to drops only.
            var text = await FlowsAsync("-n", y, "--pod", "b", "--verdict", "dropped");
            var lines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("TIME", lines[0]);
            // (Only drops; the matrix tests' own policies dropped y/b's probes before this one, so not only ours.)
            Assert.All(lines[1..], l => Assert.Contains(" DROPPED by ", l));
            Assert.Contains(lines, l => l.Contains($"{y}/b (") && l.Contains($"{z}/c ({c}:80)") && l.Contains($"DROPPED by NetworkPolicy {z}/flows-deny-c"));

            var metrics = await Processes.RunAsync("ip", ["netns", "exec", $"podway-{Cluster.Name}-n0", "curl", "-s", "--max-time", "5", "http://127.0.0.1:10249/metrics"]);
            Assert.Matches("podway_flows_total\\{verdict=\"dropped\"\\} [1-9]", metrics.Stdout);
            Assert.Matches("podway_flows_total\\{verdict=\"rejected\"\\} [1-9]", metrics.Stdout);

            var bad = await FlowsAsync("--verdict", "lost");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("invalid value \"lost\" for --verdict: use forwarded, dropped or rejected", bad.Stderr);
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "networkpolicy", "flows-deny-c", "-n", z);
            await Cluster.KubectlAsync("delete", "service", "flows-nobody", "-n", y);
        }
    }
}
