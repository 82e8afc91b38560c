using System.Globalization;
using System.Text;
using Podway.Client;
using Podway.Node.Runtime.Cgroups;
using Podway.Node.Streaming;

namespace Podway.Node.Kubelet;

/// <summary>
/// The kubelet's /metrics/resource endpoint (pkg/kubelet/metrics/collectors/resource_metrics.go): cumulative CPU
/// and memory working set of the node, every running Pod and its running containers, each sample stamped with the
/// time it was read (ms), so the scraper computes CPU rates over the time between two reads.
/// </summary>
internal sealed class ResourceMetrics(NodeAgent agent) : IResourceMetricsSource
{
    readonly CgroupUsage _usage = new(agent.Runtime.Cgroups.Host);

    public string Render()
    {
        var node = new StringBuilder();
        var containerCpu = new StringBuilder();
        var containerMemory = new StringBuilder();
        var containerStart = new StringBuilder();
        var podCpu = new StringBuilder();
        var podMemory = new StringBuilder();
        foreach (var worker in agent.Workers)
        {
            var running = worker.RunningContainers();
            if (running.Count == 0) continue;
            var ns = ObjectMeta.Namespace(worker.Pod);
            var pod = ObjectMeta.Name(worker.Pod);
            var podLabels = $"namespace=\"{Escape(ns)}\",pod=\"{Escape(pod)}\"";
            foreach (var (name, run) in running)
            {
                var labels = $"container=\"{Escape(name)}\",{podLabels}";
                var now = Now();
                if (_usage.CpuSeconds(run.Handle.CgroupRelative) is { } cpu) Sample(containerCpu, "container_cpu_usage_seconds_total", labels, cpu, now);
                if (_usage.MemoryWorkingSetBytes(run.Handle.CgroupRelative) is { } memory) Sample(containerMemory, "container_memory_working_set_bytes", labels, memory, now);
                Sample(containerStart, "container_start_time_seconds", labels, new DateTimeOffset(run.StartedAt, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0, now);
            }
            var podCgroup = agent.Runtime.Cgroups.PodRelative(worker.Uid);
            var podNow = Now();
            if (_usage.CpuSeconds(podCgroup) is { } podCpuSeconds) Sample(podCpu, "pod_cpu_usage_seconds_total", podLabels, podCpuSeconds, podNow);
            if (_usage.MemoryWorkingSetBytes(podCgroup) is { } podMemoryBytes) Sample(podMemory, "pod_memory_working_set_bytes", podLabels, podMemoryBytes, podNow);
        }
        var nodeNow = Now();
        Sample(node, "node_cpu_usage_seconds_total", null, HostFacts.CpuSeconds(), nodeNow);
        var nodeMemory = new StringBuilder();
        Sample(nodeMemory, "node_memory_working_set_bytes", null, HostFacts.MemoryWorkingSetBytes(), nodeNow);

        var text = new StringBuilder();
        Family(text, "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds", containerCpu);
        Family(text, "container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes", containerMemory);
        Family(text, "container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds", containerStart);
        Family(text, "node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds", node);
        Family(text, "node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes", nodeMemory);
        Family(text, "pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds", podCpu);
        Family(text, "pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes", podMemory);
        Family(text, "resource_scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise", new StringBuilder("resource_scrape_error 0\n"));
        return text.ToString();
    }

    static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    static void Family(StringBuilder text, string name, string type, string help, StringBuilder samples)
    {
        text.Append("# HELP ").Append(name).Append(" [STABLE] ").Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        text.Append(samples);
    }

    static void Sample(StringBuilder text, string name, string? labels, double value, long timestampMs)
    {
        text.Append(name);
        if (labels != null) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(' ').Append(timestampMs).Append('\n');
    }

    static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
