using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Podway.Bench.Services;

/// <summary>
/// ClusterIP versus the Pod's own IP for the same nginx backend: wrk from the node's network namespace, alternating
/// the two targets at each connection count, so both see the same machine load.
/// </summary>
internal sealed partial class ClusterIpThroughput(ClusterApi api, string cluster)
{
    internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, string Errors);

    public async Task RunAsync(int seconds)
    {
        var ns = await api.NewNamespaceAsync("clusterip");
        try { await MeasureAsync(ns, seconds); }
        finally { await api.DeleteNamespaceAsync(ns); }
    }

    async Task MeasureAsync(string ns, int seconds)
    {
        var nodeNetns = $"podway-{cluster}-n0";
        await api.CreateAsync($"/api/v1/namespaces/{ns}/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx","readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":1}}]}}""");
        var svc = await api.CreateAsync($"/api/v1/namespaces/{ns}/services",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":80}]}}""");
        var clusterIp = svc["spec"]!["clusterIP"]!.GetValue<string>();
        var pod = await api.WaitReadyAsync(ns, "web", TimeSpan.FromMinutes(2));
        var podIp = pod["status"]!["podIP"]!.GetValue<string>();
        await using (var poller = new ReachabilityPoller(nodeNetns))
            await poller.Probe("web", clusterIp, 80).Reachable.WaitAsync(TimeSpan.FromMinutes(1));

        Console.WriteLine($"ClusterIP vs Pod IP: one nginx Pod ({podIp}) behind ClusterIP {clusterIp}, wrk {seconds} s per run from the node's netns, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  {"connections",11} {"target",-22} {"requests/s",12} {"p50 ms",8} {"p99 ms",8}  errors");
        foreach (var connections in new[] { 1, 16 })
        {
            var direct = Wrk(nodeNetns, podIp, connections, seconds);
            Print(connections, $"Pod IP {podIp}", direct);
            var viaService = Wrk(nodeNetns, clusterIp, connections, seconds);
            Print(connections, $"ClusterIP {clusterIp}", viaService);
            Console.WriteLine($"  {connections,11} ClusterIP / Pod IP: throughput {viaService.RequestsPerSecond / direct.RequestsPerSecond:F2}, " +
                $"p50 latency {viaService.P50Ms / direct.P50Ms:F2}, p99 latency {viaService.P99Ms / direct.P99Ms:F2}   (goal: near 1)");
        }
    }

    static void Print(int connections, string target, WrkResult r) =>
        Console.WriteLine($"  {connections,11} {target,-22} {r.RequestsPerSecond,12:F0} {r.P50Ms,8:F3} {r.P99Ms,8:F3}  {(r.Errors.Length == 0 ? "none" : r.Errors)}");

    static WrkResult Wrk(string netns, string ip, int connections, int seconds)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", netns, "wrk", $"-t{Math.Min(connections, Environment.ProcessorCount)}", $"-c{connections}",
                     $"-d{seconds}s", "--latency", $"http://{ip}/" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"wrk against {ip} failed ({p.ExitCode}): {stderr.Result}{output}");
        return Parse(output);
    }

    internal static WrkResult Parse(string output)
    {
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        double Percentile(string p)
        {
            var m = Regex.Match(output, $@"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            if (!m.Success) throw new FormatException($"wrk output has no {p}% latency:\n{output}");
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, _ => v * 1000 };
        }
        var errors = string.Join("; ", output.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("Socket errors", StringComparison.Ordinal) || l.StartsWith("Non-2xx", StringComparison.Ordinal)));
        return new WrkResult(rps, Percentile("50"), Percentile("99"), errors);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();
}
