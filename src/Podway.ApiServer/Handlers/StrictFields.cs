using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Protobuf;
using Podway.Api.Resources;
using Podway.ApiServer.Registry;

namespace Podway.ApiServer.Handlers;

/// <summary>
/// fieldValidation=Strict (kubectl apply's default): unknown fields are a 400
/// `strict decoding error: unknown field "spec.replicass"`; Warn answers with Warning headers instead.
/// Checked against the k8s.io/api type tables where a kind has one, else the top level and ObjectMeta.
/// </summary>
internal static class StrictFields
{
    static readonly HashSet<string> Common = ["apiVersion", "kind", "metadata"];

    static readonly HashSet<string> ObjectMeta =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    static readonly Dictionary<string, HashSet<string>> TopLevel = new()
    {
        ["Secret"] = ["data", "stringData", "type", "immutable"],
        ["ConfigMap"] = ["data", "binaryData", "immutable"],
        ["Endpoints"] = ["subsets"],
        ["EndpointSlice"] = ["addressType", "endpoints", "ports"],
        ["ServiceAccount"] = ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        ["Event"] =
        [
            "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series",
            "action", "related", "reportingComponent", "reportingInstance", "regarding", "note", "reportingController",
            "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount",
        ],
    };

    /// <summary>Throws 400 under Strict; under Warn returns kube's warning texts for the Warning header; else nothing.</summary>
    public static IReadOnlyList<string> Check(ResourceType type, JsonObject obj, FieldValidation mode, bool isPatch = false)
    {
        if (mode == FieldValidation.Ignore) return [];
        var unknown = (KnownFields.Unknown(type.ApiVersion, type.Kind, obj) ?? Shallow(type, obj, isPatch)).Select(u => $"unknown field \"{u}\"").ToList();
        if (unknown.Count > 0 && mode == FieldValidation.Strict)
            throw ApiException.BadRequest("strict decoding error: " + string.Join(", ", unknown));
        return unknown;
    }

    /// <summary>
    /// Removes the fields the kind does not have, as kube's decoding into the typed object drops them, so a body's
    /// unknown fields are never stored (nor served, nor counted against no limit): at every depth where the kind has a
    /// type table, else at the top level.
    /// </summary>
    public static void DropUnknown(ResourceType type, JsonObject obj)
    {
        if (KnownFields.Prune(type.ApiVersion, type.Kind, obj)) return;
        var topLevel = new JsonObject();
        foreach (var (key, _) in obj) topLevel[key] = null;
        foreach (var key in Shallow(type, topLevel, isPatch: false).Where(u => !u.StartsWith("metadata.", StringComparison.Ordinal)).ToList())
            obj.Remove(key);
    }

    /// <summary>For kinds without a type table (the Gateway API CRDs): the top level and ObjectMeta.</summary>
    static List<string> Shallow(ResourceType type, JsonObject obj, bool isPatch)
    {
        var unknown = new List<string>();
        var allowed = TopLevel.GetValueOrDefault(type.Kind) ?? ["spec", "status"];
        foreach (var (key, _) in obj)
            if (!Common.Contains(key) && !allowed.Contains(key) && !(isPatch && key.StartsWith('$')))
                unknown.Add(key);
        if (obj["metadata"] is JsonObject meta)
            foreach (var (key, _) in meta)
                if (!ObjectMeta.Contains(key) && !(isPatch && key.StartsWith('$')))
                    unknown.Add("metadata." + key);
        return unknown;
    }
}
