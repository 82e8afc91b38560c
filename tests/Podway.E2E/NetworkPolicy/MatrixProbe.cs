namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// Probes the 9x9 matrix as upstream does (`kubectl exec POD -- /agnhost connect HOST:PORT --timeout=1s
/// --protocol=P`), all in parallel: one exec per source Pod, which runs its 9 connects at once.
/// </summary>
public sealed class MatrixProbe(NetpolCluster netpol)
{
    public async Task<Reachability> ProbeAsync(int port, string protocol)
    {
        var observed = new Reachability(false);
        await Task.WhenAll(Reachability.Pods.Select(async from =>
        {
            var script = string.Concat(Reachability.Pods.Select(to =>
                $"( /agnhost connect {netpol.Ips[to]}:{port} --timeout=1s --protocol={protocol} >/dev/null 2>&1 && echo '{to} 1' || echo '{to} 0' ) & "));
            var (ns, pod) = Split(from);
            var r = await netpol.Cluster.KubectlAsync("exec", "-n", netpol.Ns(ns), pod, "-c", "porter", "--", "sh", "-c", script + "wait");
            var seen = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p.Length == 2).ToList();
            if (r.ExitCode != 0 || seen.Count != Reachability.Pods.Length)
                throw new ProbeFailedException($"probing from {from} failed: {r}");
            foreach (var p in seen) observed[from, p[0]] = p[1] == "1";
        }));
        return observed;
    }

    /// <summary>
    /// Probes until the matrix equals the expectation (policies take a moment to be programmed, and a loaded
    /// machine can lose a probe); fails with both matrices when it never does.
    /// </summary>
    public async Task ExpectAsync(Reachability expected, int port = 80, string protocol = "tcp", int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        string last = "";
        while (true)
        {
            try
            {
                var observed = await ProbeAsync(port, protocol);
                var wrong = expected.Mismatches(observed).ToList();
                if (wrong.Count == 0) return;
                last = $"{wrong.Count} of 81 cells differ on {protocol}/{port} ({string.Join(", ", wrong.Take(6).Select(w => $"{w.From}->{w.To}"))})\n" +
                       $"expected:\n{expected.Render()}observed:\n{observed.Render()}";
            }
            catch (ProbeFailedException e) { last = e.Message; }
            if (DateTime.UtcNow > deadline) Assert.Fail(last);
            await Task.Delay(500);
        }
    }

    public static (string Ns, string Pod) Split(string pod) => (pod[..pod.IndexOf('/')], pod[(pod.IndexOf('/') + 1)..]);

    sealed class ProbeFailedException(string message) : Exception(message);
}
