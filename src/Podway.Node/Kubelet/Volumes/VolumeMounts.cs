using System.Text.Json.Nodes;

namespace Podway.Node.Kubelet.Volumes;

/// <summary>A container's volumeMounts as bind mounts: the volume's host directory (or its subPath) at mountPath.</summary>
internal static class VolumeMounts
{
    /// <summary>Volume kinds the kubelet always mounts read-only.</summary>
    static readonly string[] ReadOnlyKinds = ["configMap", "secret", "downwardAPI", "projected"];

    /// <exception cref="Podway.Node.Kubelet.ContainerConfigException">a mount names no volume, or its subPath leaves the volume</exception>
    public static IReadOnlyList<(string Source, string Destination, bool ReadOnly)> For(JsonObject pod, JsonObject container,
        IReadOnlyDictionary<string, string> volumes, IReadOnlyDictionary<string, string> env)
    {
        var kinds = (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>()
            .ToDictionary(v => v["name"]?.GetValue<string>() ?? "", v => v.Select(kv => kv.Key).FirstOrDefault(k => k != "name") ?? "");
        var mounts = new List<(string, string, bool)>();
        foreach (var mount in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = mount["name"]?.GetValue<string>() ?? "";
            if (!volumes.TryGetValue(name, out var source))
                throw new ContainerConfigException($"cannot find volume \"{name}\" to mount into container \"{container["name"]}\"");
            var subPath = mount["subPath"]?.GetValue<string>()
                ?? (mount["subPathExpr"]?.GetValue<string>() is { } expr ? VarExpansion.Expand(expr, k => env.GetValueOrDefault(k)) : null);
            if (subPath is { Length: > 0 })
            {
                var full = Path.GetFullPath(Path.Combine(source, subPath));
                if (!full.StartsWith(source.TrimEnd('/') + "/", StringComparison.Ordinal))
                    throw new ContainerConfigException($"subPath \"{subPath}\" of volume \"{name}\" must stay inside the volume");
                // The kubelet creates a missing subPath as a directory; a link (a configMap key) is bound as what it points to.
                if (!Path.Exists(full)) Directory.CreateDirectory(full);
                source = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            }
            var readOnly = mount["readOnly"]?.GetValue<bool>() == true || ReadOnlyKinds.Contains(kinds.GetValueOrDefault(name));
            mounts.Add((source, mount["mountPath"]?.GetValue<string>() ?? "", readOnly));
        }
        return mounts;
    }
}
