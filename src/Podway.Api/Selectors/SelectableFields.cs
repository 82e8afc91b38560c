using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Selectors;

/// <summary>
/// Which fields a field selector may name per kind, and their values: the field label conversion funcs
/// (pkg/apis/*/v1/conversion.go) decide what is accepted, the registry's ToSelectableFields what is compared.
/// A field that is accepted but not selectable reads as "" (as status.podIPs does in kube).
/// </summary>
internal static class SelectableFields
{
    delegate string Getter(JsonObject obj);

    sealed record Kind(Dictionary<string, Getter> Fields, Func<string, string> Unsupported);

    static readonly Func<string, string> NotSupported = f => $"field label not supported: {f}";
    static readonly Func<string, string> NotKnown = f => $"\"{f}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";

    static readonly Dictionary<string, Kind> ByStorageKey = new()
    {
        [BuiltinResources.Pod.StorageKey] = new(new()
        {
            ["metadata.name"] = Name, ["metadata.namespace"] = Namespace,
            ["spec.nodeName"] = o => Path(o, "spec", "nodeName"),
            ["spec.restartPolicy"] = o => Path(o, "spec", "restartPolicy"),
            ["spec.schedulerName"] = o => Path(o, "spec", "schedulerName"),
            ["spec.serviceAccountName"] = o => Path(o, "spec", "serviceAccountName"),
            ["spec.hostNetwork"] = o => Path(o, "spec", "hostNetwork") == "true" ? "true" : "false",
            ["status.phase"] = o => Path(o, "status", "phase"),
            ["status.podIP"] = PodIp,
            ["status.podIPs"] = _ => "",
            ["status.nominatedNodeName"] = o => Path(o, "status", "nominatedNodeName"),
        }, NotSupported),
        [BuiltinResources.Node.StorageKey] = new(new()
        {
            ["metadata.name"] = Name,
            ["spec.unschedulable"] = o => Path(o, "spec", "unschedulable") == "true" ? "true" : "false",
        }, NotSupported),
        [BuiltinResources.Namespace.StorageKey] = new(new()
        {
            ["metadata.name"] = Name,
            ["status.phase"] = o => Path(o, "status", "phase"),
        }, NotSupported),
        [BuiltinResources.Secret.StorageKey] = new(new()
        {
            ["metadata.name"] = Name, ["metadata.namespace"] = Namespace,
            ["type"] = o => Path(o, "type"),
        }, NotSupported),
        [BuiltinResources.Service.StorageKey] = new(new()
        {
            ["metadata.name"] = Name, ["metadata.namespace"] = Namespace,
            ["spec.clusterIP"] = o => Path(o, "spec", "clusterIP"),
            ["spec.type"] = o => Path(o, "spec", "type"),
        }, NotSupported),
        [BuiltinResources.CoreEvent.StorageKey] = new(new()
        {
            ["metadata.name"] = Name, ["metadata.namespace"] = Namespace,
            ["involvedObject.kind"] = o => Path(o, "involvedObject", "kind"),
            ["involvedObject.namespace"] = o => Path(o, "involvedObject", "namespace"),
            ["involvedObject.name"] = o => Path(o, "involvedObject", "name"),
            ["involvedObject.uid"] = o => Path(o, "involvedObject", "uid"),
            ["involvedObject.apiVersion"] = o => Path(o, "involvedObject", "apiVersion"),
            ["involvedObject.resourceVersion"] = o => Path(o, "involvedObject", "resourceVersion"),
            ["involvedObject.fieldPath"] = o => Path(o, "involvedObject", "fieldPath"),
            ["reason"] = o => Path(o, "reason"),
            ["reportingComponent"] = o => Path(o, "reportingComponent"),
            ["source"] = o => Path(o, "source", "component"),
            ["type"] = o => Path(o, "type"),
        }, NotSupported),
        [BuiltinResources.EventsEvent.StorageKey] = new(new()
        {
            ["metadata.name"] = Name, ["metadata.namespace"] = Namespace,
            ["regarding.kind"] = o => Path(o, "regarding", "kind"),
            ["regarding.namespace"] = o => Path(o, "regarding", "namespace"),
            ["regarding.name"] = o => Path(o, "regarding", "name"),
            ["regarding.uid"] = o => Path(o, "regarding", "uid"),
            ["regarding.apiVersion"] = o => Path(o, "regarding", "apiVersion"),
            ["regarding.resourceVersion"] = o => Path(o, "regarding", "resourceVersion"),
            ["regarding.fieldPath"] = o => Path(o, "regarding", "fieldPath"),
            ["reason"] = o => Path(o, "reason"),
            ["reportingController"] = o => Path(o, "reportingController"),
            ["type"] = o => Path(o, "type"),
        }, NotSupported),
        [BuiltinResources.ReplicaSet.StorageKey] = new(new()
        {
            ["metadata.name"] = Name, ["metadata.namespace"] = Namespace,
            ["status.replicas"] = o => Path(o, "status", "replicas") is { Length: > 0 } r ? r : "0",
        }, NotSupported),
    };

    /// <summary>Old v1 clients send spec.host for pods; kube renames it.</summary>
    public static string Canonical(ResourceType type, string field) =>
        type.StorageKey == BuiltinResources.Pod.StorageKey && field == "spec.host" ? "spec.nodeName" : field;

    /// <summary>Null when the field may be selected on; else kube's 400 message.</summary>
    public static string? Unsupported(ResourceType type, string field)
    {
        field = Canonical(type, field);
        var kind = For(type);
        return kind.Fields.ContainsKey(field) ? null : kind.Unsupported(field);
    }

    public static string Value(ResourceType type, JsonObject obj, string field) =>
        For(type).Fields.TryGetValue(Canonical(type, field), out var get) ? get(obj) : "";

    static Kind For(ResourceType type)
    {
        if (ByStorageKey.TryGetValue(type.StorageKey, out var kind)) return kind;
        var fields = new Dictionary<string, Getter> { ["metadata.name"] = Name };
        // Custom resources accept metadata.namespace only when namespaced.
        if (BuiltinResources.IsCustomResource(type))
        {
            if (type.Namespaced) fields["metadata.namespace"] = Namespace;
            return new(fields, NotSupported);
        }
        // Built-in kinds without their own conversion func take the scheme's default; a cluster-scoped
        // kind accepts metadata.namespace but has no such field to match.
        fields["metadata.namespace"] = type.Namespaced ? Namespace : _ => "";
        return new(fields, NotKnown);
    }

    static string Name(JsonObject o) => Path(o, "metadata", "name");
    static string Namespace(JsonObject o) => Path(o, "metadata", "namespace");

    static string PodIp(JsonObject o)
    {
        if (o["status"]?["podIPs"] is JsonArray { Count: > 0 } ips && ips[0] is JsonObject first) return Path(first, "ip");
        return Path(o, "status", "podIP");
    }

    /// <summary>The scalar at a path as Go would format it into a fields.Set ("" when absent).</summary>
    static string Path(JsonObject o, params string[] path)
    {
        JsonNode? node = o;
        foreach (var part in path) node = (node as JsonObject)?[part];
        return node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True => "true",
            JsonValue v when v.GetValueKind() is JsonValueKind.False => "false",
            JsonValue v => v.ToJsonString(),
            _ => "",
        };
    }
}
