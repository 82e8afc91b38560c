using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;

namespace Podway.ApiServer.Registry;

/// <summary>System-owned metadata on create and update, as apimachinery's rest.BeforeCreate/BeforeUpdate set it.</summary>
internal static class ObjectMetaRules
{
    const string NameSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>
    /// Types whose registry strategies set metadata.generation (kube 1.33): workloads, networking objects, EndpointSlices,
    /// and every CRD (the Gateway API and network-policy-api kinds). Pods, Services, ConfigMaps and the like have none.
    /// </summary>
    static bool TracksGeneration(ResourceType t) =>
        t.Kind is "Deployment" or "ReplicaSet" or "StatefulSet" or "Ingress" or "IngressClass" or "NetworkPolicy" or "EndpointSlice"
        || BuiltinResources.IsCustomResource(t);

    public static void PrepareForCreate(ResourceType type, JsonObject obj, DateTimeOffset now)
    {
        var meta = obj.Metadata();
        if (string.IsNullOrEmpty(meta.Str("name")) && meta.Str("generateName") is { Length: > 0 } prefix)
            meta["name"] = prefix + RandomSuffix(5);
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = JsonNodes.Rfc3339(now);
        meta.Remove("resourceVersion");
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        if (TracksGeneration(type)) meta["generation"] = 1; else meta.Remove("generation");
        if (!type.Namespaced) meta.Remove("namespace");
        ResetStatusOnCreate(type, obj);
    }

    /// <summary>Copies fields the client may not change from the stored object; bumps generation when the spec changed.</summary>
    public static void PrepareForUpdate(ResourceType type, JsonObject obj, JsonObject old)
    {
        var meta = obj.Metadata();
        var oldMeta = old.Metadata();
        foreach (var field in (string[])["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"])
        {
            if (oldMeta[field] is { } v) meta[field] = v.DeepClone(); else meta.Remove(field);
        }
        meta.Remove("selfLink");
        if (type.HasStatus)
        {
            if (old["status"] is { } status) obj["status"] = status.DeepClone(); else obj.Remove("status");
        }
        if (TracksGeneration(type) && SpecChanged(obj, old))
            meta["generation"] = (oldMeta.Long("generation") ?? 0) + 1;
    }

    /// <summary>For a status subresource write: everything but status comes from the stored object.</summary>
    public static JsonObject TakeStatusOnly(JsonObject requested, JsonObject old)
    {
        var result = (JsonObject)old.DeepClone();
        if (requested["status"] is { } status) result["status"] = status.DeepClone(); else result.Remove("status");
        // Status writers may still move labels/annotations? kube ignores metadata changes except resourceVersion here.
        return result;
    }

    /// <summary>pods/ephemeralcontainers (dropNonEphemeralContainerUpdates): only spec.ephemeralContainers comes from the request.</summary>
    public static JsonObject TakeEphemeralContainersOnly(JsonObject requested, JsonObject old)
    {
        var result = (JsonObject)old.DeepClone();
        var spec = result["spec"] as JsonObject ?? [];
        result["spec"] = spec;
        if (requested["spec"]?["ephemeralContainers"] is JsonArray { Count: > 0 } ephemeral) spec["ephemeralContainers"] = ephemeral.DeepClone();
        else spec.Remove("ephemeralContainers");
        return result;
    }

    static bool SpecChanged(JsonObject a, JsonObject b)
    {
        foreach (var (key, value) in a)
            if (key is not ("metadata" or "status" or "kind" or "apiVersion") && !JsonNode.DeepEquals(value, b[key])) return true;
        foreach (var (key, _) in b)
            if (key is not ("metadata" or "status" or "kind" or "apiVersion") && !a.ContainsKey(key)) return true;
        return false;
    }

    static void ResetStatusOnCreate(ResourceType type, JsonObject obj)
    {
        switch (type.Kind)
        {
            case "Pod":
                obj["status"] = new JsonObject(); // defaulting fills phase Pending and the QoS class
                break;
            case "Namespace":
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                break;
            case "Node":
                break; // a node registers with its status, as the kubelet does
            default:
                if (type.HasStatus) obj["status"] = new JsonObject();
                break;
        }
    }

    static string RandomSuffix(int n)
    {
        Span<char> chars = stackalloc char[n];
        for (var i = 0; i < n; i++) chars[i] = NameSuffixAlphabet[RandomNumberGenerator.GetInt32(NameSuffixAlphabet.Length)];
        return new string(chars);
    }
}
