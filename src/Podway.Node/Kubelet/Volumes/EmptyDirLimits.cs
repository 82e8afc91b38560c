using System.Text.Json.Nodes;

namespace Podway.Node.Kubelet.Volumes;

/// <summary>
/// The kubelet eviction manager's emptyDir check (pkg/kubelet/eviction, emptyDirLimitEviction): a disk-backed emptyDir
/// whose contents outgrow its sizeLimit gets the Pod evicted. (A Memory-backed one is a tmpfs of that size; the
/// kernel refuses writes past it.) Usage is the apparent size of its files.
/// </summary>
internal static class EmptyDirLimits
{
    static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint, // a symlink in the volume must not count what it points at
    };

    /// <summary>The eviction message for the first volume over its limit; null when none is.</summary>
    public static string? Exceeded(JsonObject pod, IReadOnlyDictionary<string, string> volumeDirs)
    {
        foreach (var volume in (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (volume["emptyDir"] is not JsonObject emptyDir || emptyDir["medium"]?.GetValue<string>() == "Memory") continue;
            if (emptyDir["sizeLimit"]?.ToString() is not { } limit || !ResourceQuantity.TryParse(limit, out var bytes)) continue;
            var name = volume["name"]?.GetValue<string>() ?? "";
            if (!volumeDirs.TryGetValue(name, out var dir) || !Directory.Exists(dir)) continue;
            if (Usage(dir) > bytes) return $"Usage of EmptyDir volume \"{name}\" exceeds the limit \"{limit}\". ";
        }
        return null;
    }

    static long Usage(string dir)
    {
        try { return new DirectoryInfo(dir).EnumerateFiles("*", Walk).Sum(f => f.Length); }
        catch (IOException) { return 0; }
    }
}
