using System.Globalization;

namespace Podway.Bench.Services;

/// <summary>A Prometheus histogram read from a /metrics text page (cumulative buckets, sum, count).</summary>
internal sealed record ProxyHistogram(IReadOnlyList<(double Le, double Count)> Buckets, double Sum, double Count)
{
    /// <summary>Scrapes the proxy's 127.0.0.1:10249/metrics inside the node's network namespace (where it binds, as
    /// kube-proxy does); null when it cannot be read.</summary>
    public static async Task<ProxyHistogram?> ScrapeAsync(string nodeNetns, string name)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", nodeNetns, "curl", "-sS", "--max-time", "5", "http://127.0.0.1:10249/metrics" }) psi.ArgumentList.Add(a);
        using var curl = System.Diagnostics.Process.Start(psi)!;
        var stdout = curl.StandardOutput.ReadToEndAsync();
        var stderr = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        var text = await stdout;
        await stderr;
        if (curl.ExitCode != 0) return null;
        var buckets = new List<(double, double)>();
        double sum = 0, count = 0;
        var found = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith($"{name}_bucket{{le=\"", StringComparison.Ordinal))
            {
                var le = line[(name.Length + 12)..line.IndexOf('"', name.Length + 12)];
                buckets.Add((le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture), Value(line)));
                found = true;
            }
            else if (line.StartsWith($"{name}_sum ", StringComparison.Ordinal)) sum = Value(line);
            else if (line.StartsWith($"{name}_count ", StringComparison.Ordinal)) count = Value(line);
        }
        return found ? new ProxyHistogram(buckets, sum, count) : null;
    }

    static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>The observations made between <paramref name="before"/> and this scrape.</summary>
    public ProxyHistogram Since(ProxyHistogram? before) => before == null ? this :
        new(Buckets.Select((b, i) => (b.Le, b.Count - before.Buckets[i].Count)).ToList(), Sum - before.Sum, Count - before.Count);

    /// <summary>Quantile with linear interpolation inside the bucket, as PromQL's histogram_quantile.</summary>
    public double Quantile(double q)
    {
        if (Count == 0) return double.NaN;
        var rank = q * Count;
        double lowerLe = 0, lowerCount = 0;
        foreach (var (le, cumulative) in Buckets)
        {
            if (cumulative >= rank)
                return double.IsPositiveInfinity(le) ? lowerLe : lowerLe + (le - lowerLe) * (rank - lowerCount) / Math.Max(1e-9, cumulative - lowerCount);
            (lowerLe, lowerCount) = (le, cumulative);
        }
        return lowerLe;
    }
}
