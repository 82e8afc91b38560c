using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Node.Kubelet;

/// <summary>A container's configuration cannot be built (waiting reason CreateContainerConfigError).</summary>
internal sealed class ContainerConfigException(string message) : Exception(message);

/// <summary>
/// A container's environment as the kubelet's makeEnvironmentVariables builds it: envFrom first (prefix,
/// ConfigMaps and Secrets, optional), then env in order, each value $(VAR)-expanded against what came before;
/// valueFrom fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef; then the Service variables
/// (<see cref="ServiceEnvVars"/>) that the container's own variables did not set. `$(VAR)` sees both.
/// </summary>
/// <param name="services">The Services a Pod of a namespace may see (at least its namespace's and default/kubernetes), from the
/// agent's informer; null until it has listed them once.</param>
internal sealed class ContainerEnv(ApiClient client, NodeIdentity node, Func<string, IReadOnlyList<JsonObject>?> services)
{
    public async Task<Dictionary<string, string>> ResolveAsync(JsonObject pod, JsonObject container, string podIp, CancellationToken ct)
    {
        var ns = ObjectMeta.Namespace(pod);
        var env = new Dictionary<string, string>();
        // As the kubelet: a container never starts without them rather than with some missing.
        var known = services(ns) ?? throw new ContainerConfigException("services have not yet been read at least once, cannot construct envvars");
        var serviceEnv = ServiceEnvVars.ForPod(known, ns, pod["spec"]?["enableServiceLinks"]?.GetValue<bool>() ?? true);
        string? Lookup(string k) => env.TryGetValue(k, out var v) ? v : serviceEnv.GetValueOrDefault(k);
        var objects = new Dictionary<string, JsonObject?>();
        async Task<JsonObject?> Fetch(ResourceType type, string name)
        {
            var key = type.Kind + "/" + name;
            if (!objects.TryGetValue(key, out var obj)) objects[key] = obj = await client.TryGetAsync(type, ns, name, ct);
            return obj;
        }

        foreach (var source in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var prefix = source["prefix"]?.GetValue<string>() ?? "";
            var (type, reference) = source["configMapRef"] is JsonObject cm ? (BuiltinResources.ConfigMap, cm) : (BuiltinResources.Secret, source["secretRef"] as JsonObject ?? []);
            var name = reference["name"]?.GetValue<string>() ?? "";
            var obj = await Fetch(type, name);
            if (obj is null)
            {
                if (reference["optional"]?.GetValue<bool>() == true) continue;
                throw new ContainerConfigException($"{type.Singular} \"{name}\" not found");
            }
            foreach (var (k, v) in Data(obj, type)) env[prefix + k] = v;
        }

        foreach (var e in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = e["name"]?.GetValue<string>() ?? "";
            if (e["valueFrom"] is not JsonObject from)
            {
                env[name] = VarExpansion.Expand(e["value"]?.GetValue<string>() ?? "", Lookup);
                continue;
            }
            if (from["fieldRef"] is JsonObject field) env[name] = FieldValue(pod, field["fieldPath"]?.GetValue<string>() ?? "", podIp);
            else if (from["resourceFieldRef"] is JsonObject resource) env[name] = ResourceValue(container, resource);
            else
            {
                var (type, reference) = from["configMapKeyRef"] is JsonObject cm ? (BuiltinResources.ConfigMap, cm) : (BuiltinResources.Secret, from["secretKeyRef"] as JsonObject ?? []);
                var refName = reference["name"]?.GetValue<string>() ?? "";
                var key = reference["key"]?.GetValue<string>() ?? "";
                var optional = reference["optional"]?.GetValue<bool>() == true;
                var obj = await Fetch(type, refName);
                if (obj is null)
                {
                    if (optional) continue;
                    throw new ContainerConfigException($"{type.Singular} \"{refName}\" not found");
                }
                if (Data(obj, type).TryGetValue(key, out var value)) env[name] = value;
                else if (!optional) throw new ContainerConfigException($"couldn't find key {key} in {type.Kind} {ns}/{refName}");
            }
        }
        foreach (var (k, v) in serviceEnv) env.TryAdd(k, v);
        return env;
    }

    static Dictionary<string, string> Data(JsonObject obj, ResourceType type)
    {
        var result = new Dictionary<string, string>();
        if (obj["data"] is JsonObject data)
            foreach (var (k, v) in data)
            {
                var text = v?.GetValue<string>() ?? "";
                result[k] = type == BuiltinResources.Secret ? Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text;
            }
        if (type == BuiltinResources.ConfigMap && obj["binaryData"] is JsonObject binary)
            foreach (var (k, v) in binary) result[k] = Encoding.UTF8.GetString(Convert.FromBase64String(v?.GetValue<string>() ?? ""));
        return result;
    }

    internal string FieldValue(JsonObject pod, string path, string podIp)
    {
        var meta = pod["metadata"] as JsonObject ?? [];
        var spec = pod["spec"] as JsonObject ?? [];
        if (TrySubscript(path, "metadata.labels", out var label)) return meta["labels"]?[label]?.GetValue<string>() ?? "";
        if (TrySubscript(path, "metadata.annotations", out var annotation)) return meta["annotations"]?[annotation]?.GetValue<string>() ?? "";
        return path switch
        {
            "metadata.name" => ObjectMeta.Name(pod),
            "metadata.namespace" => ObjectMeta.Namespace(pod),
            "metadata.uid" => ObjectMeta.Uid(pod),
            "metadata.labels" => FormatMap(meta["labels"] as JsonObject),
            "metadata.annotations" => FormatMap(meta["annotations"] as JsonObject),
            "spec.nodeName" => spec["nodeName"]?.GetValue<string>() ?? "",
            "spec.serviceAccountName" => spec["serviceAccountName"]?.GetValue<string>() ?? "",
            "status.podIP" or "status.podIPs" => podIp,
            "status.hostIP" or "status.hostIPs" => node.NodeIp.ToString(),
            _ => throw new ContainerConfigException($"unsupported fieldPath: {path}"),
        };
    }

    static bool TrySubscript(string path, string prefix, out string key)
    {
        key = "";
        if (!path.StartsWith(prefix + "['", StringComparison.Ordinal) || !path.EndsWith("']", StringComparison.Ordinal)) return false;
        key = path[(prefix.Length + 2)..^2];
        return true;
    }

    /// <summary>The downward API's "key=\"value\"" lines, sorted by key.</summary>
    static string FormatMap(JsonObject? map) =>
        string.Join("\n", (map ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}=\"{kv.Value?.GetValue<string>()}\""));

    /// <summary>limits.* default to the node's allocatable when unset, as the kubelet does; values are rounded up to the divisor.</summary>
    internal static string ResourceValue(JsonObject container, JsonObject reference)
    {
        var resource = reference["resource"]?.GetValue<string>() ?? "";
        var parts = resource.Split('.', 2);
        if (parts.Length != 2) throw new ContainerConfigException($"unsupported container resource: {resource}");
        var quantity = container["resources"]?[parts[0]]?[parts[1]]?.GetValue<string>();
        if (quantity is null && parts[0] == "requests") quantity = container["resources"]?["limits"]?[parts[1]]?.GetValue<string>();
        decimal value = quantity is not null && ResourceQuantity.TryParse(quantity, out var q) ? q
            : parts[0] == "limits" ? parts[1] switch
            {
                "cpu" => Environment.ProcessorCount,
                "memory" => HostFacts.MemoryKi() * 1024m,
                _ => 0,
            }
            : 0;
        var divisor = reference["divisor"]?.GetValue<string>() is { } d && ResourceQuantity.TryParse(d, out var dv) && dv > 0 ? dv : 1;
        var result = Math.Ceiling(value / divisor);
        return result.ToString(CultureInfo.InvariantCulture);
    }
}
