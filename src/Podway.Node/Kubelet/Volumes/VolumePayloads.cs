using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Node.Kubelet.Volumes;

/// <summary>A volume cannot be set up yet (the kubelet's FailedMount: "MountVolume.SetUp failed for volume ...").</summary>
internal sealed class VolumeSetupException(string message) : Exception(message);

/// <summary>
/// The files of configMap, secret, downwardAPI and projected volumes, as the kubelet's volume plugins compute them:
/// every key (or the listed items, at their paths), with item mode, else defaultMode (0644); a missing object or key
/// fails unless optional.
/// </summary>
internal sealed class VolumePayloads(ApiClient client, ContainerEnv env)
{
    const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public async Task<Dictionary<string, (byte[] Content, UnixFileMode Mode)>?> ForAsync(JsonObject pod, JsonObject volume, string podIp, CancellationToken ct)
    {
        var name = volume["name"]?.GetValue<string>() ?? "";
        var payload = new Dictionary<string, (byte[], UnixFileMode)>();
        if (volume["configMap"] is JsonObject cm) await AddObjectAsync(payload, pod, name, BuiltinResources.ConfigMap, cm, Mode(cm["defaultMode"]), ct);
        else if (volume["secret"] is JsonObject secret)
        {
            var reference = new JsonObject { ["name"] = secret["secretName"]?.DeepClone(), ["items"] = secret["items"]?.DeepClone(), ["optional"] = secret["optional"]?.DeepClone() };
            await AddObjectAsync(payload, pod, name, BuiltinResources.Secret, reference, Mode(secret["defaultMode"]), ct);
        }
        else if (volume["downwardAPI"] is JsonObject downward) AddDownward(payload, pod, downward, Mode(downward["defaultMode"]), podIp);
        else if (volume["projected"] is JsonObject projected)
        {
            var mode = Mode(projected["defaultMode"]);
            foreach (var source in (projected["sources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (source["configMap"] is JsonObject pcm) await AddObjectAsync(payload, pod, name, BuiltinResources.ConfigMap, pcm, mode, ct);
                else if (source["secret"] is JsonObject ps) await AddObjectAsync(payload, pod, name, BuiltinResources.Secret, ps, mode, ct);
                else if (source["downwardAPI"] is JsonObject pd) AddDownward(payload, pod, pd, mode, podIp);
                else if (source["serviceAccountToken"] is not null)
                    throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{name}\" : serviceAccountToken projections are not supported by podway yet");
            }
        }
        else return null;
        return payload;
    }

    async Task AddObjectAsync(Dictionary<string, (byte[], UnixFileMode)> payload, JsonObject pod, string volume, ResourceType type, JsonObject reference, UnixFileMode defaultMode, CancellationToken ct)
    {
        var objName = reference["name"]?.GetValue<string>() ?? "";
        var optional = reference["optional"]?.GetValue<bool>() == true;
        var obj = await client.TryGetAsync(type, ObjectMeta.Namespace(pod), objName, ct);
        if (obj is null)
        {
            if (optional) return;
            throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{volume}\" : {type.Singular} \"{objName}\" not found");
        }
        var data = Data(obj, type);
        if (reference["items"] is JsonArray items && items.Count > 0)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                var key = item["key"]?.GetValue<string>() ?? "";
                if (!data.TryGetValue(key, out var content))
                {
                    if (optional) continue;
                    throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{volume}\" : configmap references non-existent config key: {key}");
                }
                payload[item["path"]?.GetValue<string>() ?? key] = (content, item["mode"] is { } m ? Mode(m) : defaultMode);
            }
        }
        else foreach (var (key, content) in data) payload[key] = (content, defaultMode);
    }

    void AddDownward(Dictionary<string, (byte[], UnixFileMode)> payload, JsonObject pod, JsonObject source, UnixFileMode defaultMode, string podIp)
    {
        foreach (var item in (source["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string value;
            if (item["fieldRef"]?["fieldPath"]?.GetValue<string>() is { } field) value = env.FieldValue(pod, field, podIp);
            else if (item["resourceFieldRef"] is JsonObject resource)
            {
                var containerName = resource["containerName"]?.GetValue<string>();
                var container = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
                    .FirstOrDefault(c => containerName is null || c["name"]?.GetValue<string>() == containerName) ?? [];
                value = ContainerEnv.ResourceValue(container, resource);
            }
            else continue;
            payload[item["path"]?.GetValue<string>() ?? ""] = (Encoding.UTF8.GetBytes(value), item["mode"] is { } m ? Mode(m) : defaultMode);
        }
    }

    static Dictionary<string, byte[]> Data(JsonObject obj, ResourceType type)
    {
        var result = new Dictionary<string, byte[]>();
        foreach (var (k, v) in obj["data"] as JsonObject ?? [])
        {
            var text = v?.GetValue<string>() ?? "";
            result[k] = type == BuiltinResources.Secret ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        }
        if (type == BuiltinResources.ConfigMap)
            foreach (var (k, v) in obj["binaryData"] as JsonObject ?? []) result[k] = Convert.FromBase64String(v?.GetValue<string>() ?? "");
        return result;
    }

    static UnixFileMode Mode(JsonNode? node) => node is null ? DefaultMode : (UnixFileMode)(node.GetValue<int>() & 0x1FF);
}
