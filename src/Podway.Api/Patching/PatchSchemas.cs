using Podway.Api.Resources;

namespace Podway.Api.Patching;

/// <summary>
/// The merge schema of every built-in kind, from the k8s.io/api v0.33 struct tags (patchStrategy, patchMergeKey,
/// listType, listMapKey, structType). Only fields that differ from the defaults are listed: objects merge key by key,
/// lists are atomic. networking/v1 kinds have no tags, so their lists are atomic.
/// </summary>
internal static class PatchSchemas
{
    static readonly IReadOnlyDictionary<string, string> ProtocolTcp = new Dictionary<string, string> { ["protocol"] = "TCP" };

    static StructSchema S(params (string Name, FieldSchema Field)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Field));

    static FieldSchema Obj(StructSchema child) => new() { Child = child };

    static FieldSchema AtomicObj() => new() { Atomic = true };

    /// <summary>patchStrategy:"merge" patchMergeKey:key, listType=map.</summary>
    static FieldSchema Keyed(string key, StructSchema? element = null, bool retainKeys = false, string[]? ssaKeys = null,
        IReadOnlyDictionary<string, string>? keyDefaults = null) =>
        new() { MergeList = true, MergeKey = key, RetainKeys = retainKeys, Child = element, ListMapKeys = ssaKeys ?? [key], KeyDefaults = keyDefaults };

    /// <summary>patchStrategy:"merge" on a list of primitives, listType=set.</summary>
    static FieldSchema Set() => new() { MergeList = true };

    static readonly FieldSchema Conditions = Keyed("type");

    public static readonly StructSchema ObjectMeta = S(
        ("ownerReferences", Keyed("uid")),
        ("finalizers", Set()));

    static readonly StructSchema Container = S(
        ("ports", Keyed("containerPort", ssaKeys: ["containerPort", "protocol"], keyDefaults: ProtocolTcp)),
        ("env", Keyed("name")),
        ("volumeMounts", Keyed("mountPath")),
        ("volumeDevices", Keyed("devicePath")),
        ("resources", Obj(S(("claims", Keyed("name"))))));

    static readonly StructSchema PodSpec = S(
        ("volumes", Keyed("name", retainKeys: true)),
        ("initContainers", Keyed("name", Container)),
        ("containers", Keyed("name", Container)),
        ("ephemeralContainers", Keyed("name", Container)),
        ("imagePullSecrets", Keyed("name")),
        ("hostAliases", Keyed("ip")),
        ("topologySpreadConstraints", Keyed("topologyKey", ssaKeys: ["topologyKey", "whenUnsatisfiable"])),
        ("schedulingGates", Keyed("name")),
        ("resourceClaims", Keyed("name", retainKeys: true)));

    static readonly StructSchema PodStatus = S(
        ("conditions", Conditions),
        ("podIPs", Keyed("ip")),
        ("hostIPs", Keyed("ip")));

    static readonly StructSchema PodTemplateSpec = S(("metadata", Obj(ObjectMeta)), ("spec", Obj(PodSpec)));

    static readonly StructSchema ConditionsStatus = S(("conditions", Conditions));

    static StructSchema Kind(StructSchema? spec = null, StructSchema? status = null) => S(
        ("metadata", Obj(ObjectMeta)),
        ("spec", Obj(spec ?? StructSchema.Empty)),
        ("status", Obj(status ?? StructSchema.Empty)));

    static StructSchema Workload(params (string, FieldSchema)[] extra) => Kind(
        S([("selector", AtomicObj()), ("template", Obj(PodTemplateSpec)), .. extra]),
        ConditionsStatus);

    static readonly StructSchema MetadataOnly = S(("metadata", Obj(ObjectMeta)));

    static readonly Dictionary<string, StructSchema> ByStorageKey = new()
    {
        [BuiltinResources.Pod.StorageKey] = Kind(PodSpec, PodStatus),
        [BuiltinResources.Service.StorageKey] = Kind(
            S(("ports", Keyed("port", ssaKeys: ["port", "protocol"], keyDefaults: ProtocolTcp)),
              ("selector", AtomicObj())),
            ConditionsStatus),
        [BuiltinResources.Node.StorageKey] = Kind(
            S(("podCIDRs", Set())),
            S(("conditions", Conditions), ("addresses", Keyed("type")))),
        [BuiltinResources.Namespace.StorageKey] = Kind(status: ConditionsStatus),
        [BuiltinResources.ServiceAccount.StorageKey] = S(("metadata", Obj(ObjectMeta)), ("secrets", Keyed("name"))),
        [BuiltinResources.Deployment.StorageKey] = Workload(("strategy", new FieldSchema { RetainKeys = true })),
        [BuiltinResources.ReplicaSet.StorageKey] = Workload(),
        [BuiltinResources.StatefulSet.StorageKey] = Workload(),
        [BuiltinResources.Gateway.StorageKey] = Kind(
            S(("listeners", Keyed("name"))),
            S(("conditions", Conditions), ("listeners", Keyed("name", S(("conditions", Conditions)))))),
        [BuiltinResources.GatewayClass.StorageKey] = Kind(status: ConditionsStatus),
    };

    /// <summary>The schema of a kind; kinds without tagged fields still merge their metadata by key.</summary>
    public static StructSchema For(ResourceType type) => ByStorageKey.GetValueOrDefault(type.StorageKey) ?? MetadataOnly;

    /// <summary>Custom resources do not accept strategic merge patch, as in kube.</summary>
    public static bool SupportsStrategicMerge(ResourceType type) => !BuiltinResources.IsCustomResource(type);
}
