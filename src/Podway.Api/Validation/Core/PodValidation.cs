using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>Pod create (ValidatePodCreate) and update (ValidatePodUpdate: the spec is immutable but for a few fields).</summary>
internal static class PodValidation
{
    const string UpdateForbidden =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public static readonly IObjectValidator Pod = new KindValidator(true, NameRule.Dns1123Subdomain,
        (errs, pod) => PodSpecValidation.ValidateSpec(errs, pod.Obj("spec"), "spec"),
        ValidateUpdate,
        createOnly: (errs, pod) =>
        {
            // Only the ephemeralcontainers subresource adds them, to a Pod that runs.
            if (pod.Obj("spec").Count("ephemeralContainers") > 0) errs.Add(Errs.Forbidden("spec.ephemeralContainers", "cannot be set on create"));
        });

    static void ValidateUpdate(List<FieldError> errs, JsonObject pod, JsonObject old)
    {
        var spec = pod.Obj("spec") ?? new JsonObject();
        var oldSpec = old.Obj("spec") ?? new JsonObject();

        var newDeadline = spec.Int("activeDeadlineSeconds");
        var oldDeadline = oldSpec.Int("activeDeadlineSeconds");
        if (oldDeadline is not null)
        {
            if (newDeadline is null)
                errs.Add(Errs.Invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
            else if (newDeadline > oldDeadline)
                errs.Add(Errs.Invalid("spec.activeDeadlineSeconds", newDeadline.Value, "must be less than or equal to previous value"));
        }

        var oldTolerations = oldSpec.Arr("tolerations")?.Select(t => t?.ToJsonString()).ToList() ?? [];
        var newTolerations = spec.Arr("tolerations")?.Select(t => t?.ToJsonString()).ToList() ?? [];
        foreach (var t in oldTolerations)
            if (!newTolerations.Contains(t))
            {
                errs.Add(Errs.Forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"));
                break;
            }

        if (Masked(spec).ToJsonString() != Masked(oldSpec, spec).ToJsonString())
            errs.Add(Errs.Forbidden("spec", UpdateForbidden));
    }

    /// <summary>The spec with every field an update may change replaced by the new spec's value.</summary>
    static JsonObject Masked(JsonObject spec, JsonObject? takeFrom = null)
    {
        var copy = (JsonObject)spec.DeepClone();
        var source = takeFrom ?? spec;
        foreach (var list in new[] { "containers", "initContainers" })
        {
            var items = copy.Arr(list);
            var from = source.Arr(list);
            if (items is null || from is null || items.Count != from.Count) continue;
            for (var i = 0; i < items.Count; i++)
                if (items[i] is JsonObject c && from[i] is JsonObject f) c["image"] = f["image"]?.DeepClone();
        }
        copy["activeDeadlineSeconds"] = source["activeDeadlineSeconds"]?.DeepClone();
        copy["tolerations"] = source["tolerations"]?.DeepClone();
        if ((spec.Int("terminationGracePeriodSeconds") ?? 0) < 0 && source.Int("terminationGracePeriodSeconds") == 1)
            copy["terminationGracePeriodSeconds"] = 1;
        return Canonical(copy);
    }

    /// <summary>Key order must not make two equal specs look different.</summary>
    static JsonObject Canonical(JsonObject o)
    {
        var sorted = new JsonObject();
        foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (v is not null) sorted[k] = CanonicalNode(v);
        return sorted;
    }

    static JsonNode CanonicalNode(JsonNode n) => n switch
    {
        JsonObject o => Canonical(o),
        JsonArray a => new JsonArray(a.Select(x => x is null ? null : CanonicalNode(x)).ToArray()),
        _ => n.DeepClone(),
    };
}
