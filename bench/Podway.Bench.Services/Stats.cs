namespace Podway.Bench.Services;

internal static class Stats
{
    /// <summary>Nearest-rank percentile of an ascending array (0 when empty).</summary>
    public static double Percentile(double[] sorted, int p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1))];
}
