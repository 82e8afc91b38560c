namespace Podway.Node.Runtime.Cgroups;

/// <summary>
/// What a cgroup has used, as cAdvisor reads it for the kubelet's resource metrics: cumulative CPU time and the
/// memory working set (usage minus inactive file pages, the figure the kubelet evicts and `kubectl top` reports by).
/// Counters are hierarchical, so a Pod's cgroup includes its containers'. Null when the cgroup is gone.
/// </summary>
internal sealed class CgroupUsage(CgroupHost host)
{
    public double? CpuSeconds(string relative)
    {
        if (host.Unified)
            return Stat(Path.Combine("/sys/fs/cgroup", relative, "cpu.stat"), "usage_usec") is { } usec ? usec / 1e6 : null;
        return ReadLong(host.V1("cpuacct", relative) + "/cpuacct.usage") is { } ns ? ns / 1e9 : null;
    }

    public long? MemoryWorkingSetBytes(string relative)
    {
        var (usageFile, statFile, inactiveKey) = host.Unified
            ? (Path.Combine("/sys/fs/cgroup", relative, "memory.current"), Path.Combine("/sys/fs/cgroup", relative, "memory.stat"), "inactive_file")
            : (host.V1("memory", relative) + "/memory.usage_in_bytes", host.V1("memory", relative) + "/memory.stat", "total_inactive_file");
        if (ReadLong(usageFile) is not { } usage) return null;
        var inactive = Stat(statFile, inactiveKey) ?? 0;
        return Math.Max(0, usage - inactive);
    }

    static long? ReadLong(string file)
    {
        try { return long.TryParse(File.ReadAllText(file).Trim(), out var v) ? v : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>A "key value" line of a cgroup stat file.</summary>
    static long? Stat(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(key + " ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(key.Length + 1), out var v)) return v;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
