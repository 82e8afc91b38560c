using System.Globalization;

namespace Podway.ApiServer.Metrics;

/// <summary>One CPU counter or memory gauge reading: the value and when the kubelet read it.</summary>
internal readonly record struct Reading(double Value, DateTimeOffset Time);

/// <summary>A running container's readings in one scrape.</summary>
internal sealed record ContainerReadings(string Namespace, string Pod, string Container)
{
    public Reading? Cpu { get; set; }
    public Reading? Memory { get; set; }
    public double StartTime { get; set; }
}

/// <summary>
/// A kubelet's /metrics/resource document, parsed the way metrics-server decodes it (pkg/scraper/client/resource/
/// decode.go): node_*, container_* samples with their timestamps; other families and malformed lines are skipped.
/// </summary>
internal sealed class KubeletResourceScrape
{
    public Reading? NodeCpu { get; private set; }
    public Reading? NodeMemory { get; private set; }
    public Dictionary<(string Namespace, string Pod, string Container), ContainerReadings> Containers { get; } = [];
    /// <summary>The containers of each Pod in this scrape.</summary>
    public Dictionary<(string Namespace, string Pod), List<ContainerReadings>> Pods { get; } = [];

    public static KubeletResourceScrape Parse(string text, DateTimeOffset receivedAt)
    {
        var scrape = new KubeletResourceScrape();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (!TryParseSample(line, out var name, out var labels, out var value, out var timestamp)) continue;
            var reading = new Reading(value, timestamp ?? receivedAt);
            switch (name)
            {
                case "node_cpu_usage_seconds_total": scrape.NodeCpu = reading; break;
                case "node_memory_working_set_bytes": scrape.NodeMemory = reading; break;
                case "container_cpu_usage_seconds_total" when scrape.Container(labels) is { } c: c.Cpu = reading; break;
                case "container_memory_working_set_bytes" when scrape.Container(labels) is { } c: c.Memory = reading; break;
                case "container_start_time_seconds" when scrape.Container(labels) is { } c: c.StartTime = value; break;
            }
        }
        return scrape;
    }

    ContainerReadings? Container(Dictionary<string, string> labels)
    {
        if (!labels.TryGetValue("namespace", out var ns) || !labels.TryGetValue("pod", out var pod) || !labels.TryGetValue("container", out var container))
            return null;
        var key = (ns, pod, container);
        if (Containers.TryGetValue(key, out var readings)) return readings;
        Containers[key] = readings = new ContainerReadings(ns, pod, container);
        if (!Pods.TryGetValue((ns, pod), out var list)) Pods[(ns, pod)] = list = [];
        list.Add(readings);
        return readings;
    }

    /// <summary>Prometheus text format: name{label="value",...} value [timestamp-ms].</summary>
    internal static bool TryParseSample(string line, out string name, out Dictionary<string, string> labels, out double value, out DateTimeOffset? timestamp)
    {
        labels = [];
        value = 0;
        timestamp = null;
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        name = line[..i];
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (i < line.Length && line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') return false;
                var key = line[i..eq].Trim();
                var text = new System.Text.StringBuilder();
                var j = eq + 2;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] == '\\' && j + 1 < line.Length) { j++; text.Append(line[j] == 'n' ? '\n' : line[j]); }
                    else text.Append(line[j]);
                }
                if (j >= line.Length) return false;
                labels[key] = text.ToString();
                i = j + 1;
                if (i < line.Length && line[i] == ',') i++;
            }
            if (i >= line.Length) return false;
            i++;
        }
        var fields = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || fields.Length is 0 or > 2) return false;
        if (!double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        if (fields.Length == 2)
        {
            if (!long.TryParse(fields[1], out var ms)) return false;
            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        return true;
    }
}
