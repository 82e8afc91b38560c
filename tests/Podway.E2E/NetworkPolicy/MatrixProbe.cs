namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// Probes the 9x9 matrix as upstream does (`kubectl exec POD -- /agnhost connect HOST:PORT --timeout=T
/// --protocol=P`), all in parallel: one exec per source Pod, which runs its connects at once.
/// </summary>
public sealed class MatrixProbe(NetpolCluster netpol)
{
    /// <summary>Upstream uses 1 s; a machine shared by several builds can starve a probe process for longer.</summary>
    const string ConnectTimeout = "2s";

    /// <summary>Probes the given cells; a source whose exec failed leaves its cells out of the answer.</summary>
    async Task<(Dictionary<(string From, string To), bool> Seen, List<string> Errors)> ProbeAsync(
        IEnumerable<(string From, string To)> cells, int port, string protocol)
    {
        var seen = new Dictionary<(string, string), bool>();
        var errors = new List<string>();
        await Task.WhenAll(cells.GroupBy(c => c.From).Select(async group =>
        {
            var from = group.Key;
            var script = string.Concat(group.Select(c =>
                $"( /agnhost connect {netpol.Ips[c.To]}:{port} --timeout={ConnectTimeout} --protocol={protocol} >/dev/null 2>&1 && echo '{c.To} 1' || echo '{c.To} 0' ) & "));
            var (ns, pod) = Split(from);
            var r = await netpol.Cluster.KubectlAsync("exec", "-n", netpol.Ns(ns), pod, "-c", "porter", "--", "sh", "-c", script + "wait");
            var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p.Length == 2).ToList();
            lock (seen)
            {
                if (r.ExitCode != 0) { errors.Add($"probing from {from} failed: {r}"); return; }
                foreach (var p in lines) seen[(from, p[0])] = p[1] == "1";
            }
        }));
        return (seen, errors);
    }

    /// <summary>
    /// Probes until every cell has matched the expectation: the whole matrix first, then only the cells that did
    /// not match (a policy takes a moment to be programmed, and a loaded machine can lose a connect). Fails with
    /// both matrices when some cell never matches.
    /// </summary>
    public async Task ExpectAsync(Reachability expected, int port = 80, string protocol = "tcp", int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var observed = new Reachability(false);
        List<(string From, string To)> pending = [.. Reachability.Pods.SelectMany(f => Reachability.Pods.Where(t => t != f).Select(t => (From: f, To: t)))];
        var errors = new List<string>();
        while (true)
        {
            var (seen, probeErrors) = await ProbeAsync(pending, port, protocol);
            errors = probeErrors;
            foreach (var (cell, value) in seen) observed[cell.From, cell.To] = value;
            pending = [.. pending.Where(c => !seen.TryGetValue(c, out var v) || v != expected[c.From, c.To])];
            if (pending.Count == 0) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{pending.Count} of 81 cells never matched on {protocol}/{port} ({string.Join(", ", pending.Take(8).Select(w => $"{w.From}->{w.To}"))})\n" +
                            $"expected:\n{expected.Render()}observed (last probe of each cell):\n{observed.Render()}{string.Join("\n", errors)}");
            await Task.Delay(300);
        }
    }

    public static (string Ns, string Pod) Split(string pod) => (pod[..pod.IndexOf('/')], pod[(pod.IndexOf('/') + 1)..]);
}
