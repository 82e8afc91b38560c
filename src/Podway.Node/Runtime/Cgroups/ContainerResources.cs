using System.Text.Json.Nodes;
using Podway.Node.Kubelet;

namespace Podway.Node.Runtime.Cgroups;

/// <summary>A container's resources as the kubelet turns them into cgroup settings (pkg/kubelet/cm: MilliCPUToShares, MilliCPUToQuota).</summary>
internal sealed record ContainerResources(long? MemoryLimitBytes, long? CpuQuotaMicros, long CpuShares)
{
    public const long CpuPeriodMicros = 100_000;
    const long MinShares = 2, MaxShares = 262_144, SharesPerCpu = 1024;

    public static readonly ContainerResources None = new(null, null, MinShares);

    public static ContainerResources From(JsonObject container)
    {
        var resources = container["resources"] as JsonObject;
        var limits = resources?["limits"] as JsonObject;
        var requests = resources?["requests"] as JsonObject;
        long? memory = Quantity(limits?["memory"]) is { } m ? (long)Math.Ceiling(m) : null;
        var cpuLimit = Quantity(limits?["cpu"]);
        // As in Kubernetes, a limit without a request requests the limit.
        var cpuRequest = Quantity(requests?["cpu"]) ?? cpuLimit;
        long shares = cpuRequest is { } r ? Math.Clamp((long)(r * 1000) * SharesPerCpu / 1000, MinShares, MaxShares) : MinShares;
        long? quota = cpuLimit is { } l ? Math.Max(1000, (long)(l * 1000) * CpuPeriodMicros / 1000) : null;
        return new ContainerResources(memory, quota, shares);
    }

    /// <summary>cgroup v2's cpu.weight for these shares (the formula runc and crun use).</summary>
    public long CpuWeight => 1 + (CpuShares - 2) * 9999 / 262_142;

    static decimal? Quantity(JsonNode? node) =>
        node?.ToString() is { } text && ResourceQuantity.TryParse(text, out var value) ? value : null;
}
