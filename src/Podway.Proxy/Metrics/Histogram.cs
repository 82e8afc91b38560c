using System.Globalization;
using System.Text;

namespace Podway.Proxy.Metrics;

/// <summary>A Prometheus histogram (cumulative buckets, sum, count) rendered in the text exposition format.</summary>
public sealed class Histogram(string name, string help, double[] buckets)
{
    readonly Lock _gate = new();
    readonly long[] _counts = new long[buckets.Length];
    double _sum;
    long _count;

    public string Name => name;
    public long Count { get { lock (_gate) return _count; } }

    public void Observe(double value)
    {
        lock (_gate)
        {
            for (var i = 0; i < buckets.Length; i++) if (value <= buckets[i]) _counts[i]++;
            _sum += value;
            _count++;
        }
    }

    public void WriteTo(StringBuilder sb)
    {
        lock (_gate)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(" histogram\n");
            for (var i = 0; i < buckets.Length; i++)
                sb.Append(name).Append("_bucket{le=\"").Append(Format(buckets[i])).Append("\"} ").Append(_counts[i]).Append('\n');
            sb.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(_count).Append('\n');
            sb.Append(name).Append("_sum ").Append(Format(_sum)).Append('\n');
            sb.Append(name).Append("_count ").Append(_count).Append('\n');
        }
    }

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static double[] Exponential(double start, double factor, int count) =>
        Enumerable.Range(0, count).Select(i => start * Math.Pow(factor, i)).ToArray();

    public static double[] Linear(double start, double width, int count) =>
        Enumerable.Range(0, count).Select(i => start + width * i).ToArray();
}
