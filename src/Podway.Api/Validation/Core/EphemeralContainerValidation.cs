using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>
/// spec.ephemeralContainers as kube validates them (validateEphemeralContainers, ValidatePodEphemeralContainersUpdate):
/// names unique across every container of the Pod, a target that is a regular or init container, none of the
/// fields that would make the Pod rely on them (ports, probes, resources, lifecycle, ...), and through the
/// ephemeralcontainers subresource only additions.
/// </summary>
internal static class EphemeralContainerValidation
{
    const string NotForEphemeral = "cannot be set for an Ephemeral Container";

    /// <summary>Container fields kube's allowlist leaves out (allowedEphemeralContainerFields), in struct order.</summary>
    static readonly string[] ForbiddenFields = ["ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"];

    /// <summary>Part of the pod spec's validation; otherNames are the regular and init containers' names.</summary>
    public static void ValidateSpec(List<FieldError> errs, JsonObject? spec, string specPath, HashSet<string> volumes, IReadOnlySet<string> otherNames)
    {
        var path = specPath + ".ephemeralContainers";
        var allNames = new HashSet<string>(otherNames);
        foreach (var (i, c) in spec.Items("ephemeralContainers"))
        {
            var p = $"{path}[{i}]";
            var name = c.Str("name") ?? "";
            PodSpecValidation.Dns1123Label(errs, name, p + ".name");
            var image = c.Str("image") ?? "";
            if (image.Length == 0) errs.Add(Errs.Required(p + ".image"));
            else if (image.Trim().Length != image.Length) errs.Add(Errs.Invalid(p + ".image", image, "must not have leading or trailing whitespace"));
            PodSpecValidation.ValidateEnv(errs, c, p + ".env");
            PodSpecValidation.ValidateVolumeMounts(errs, c, p + ".volumeMounts", volumes);
            PodSpecValidation.Enum(errs, c.Str("imagePullPolicy"), p + ".imagePullPolicy", PodSpecValidation.PullPolicies);
            PodSpecValidation.Enum(errs, c.Str("terminationMessagePolicy"), p + ".terminationMessagePolicy", PodSpecValidation.TerminationMessagePolicies);

            if (name.Length > 0 && !allNames.Add(name)) errs.Add(Errs.Duplicate(p + ".name", name));
            if (c.Str("targetContainerName") is { Length: > 0 } target && !otherNames.Contains(target))
                errs.Add(Errs.NotFound(p + ".targetContainerName", target));
            foreach (var field in ForbiddenFields)
                if (IsSet(c[field])) errs.Add(Errs.Forbidden($"{p}.{field}", NotForEphemeral));
            foreach (var (j, mount) in c.Items("volumeMounts"))
                foreach (var field in new[] { "subPath", "subPathExpr" })
                    if (mount.Str(field) is { Length: > 0 }) errs.Add(Errs.Forbidden($"{p}.volumeMounts[{j}].{field}", NotForEphemeral));
        }
    }

    /// <summary>The ephemeralcontainers subresource's update: the new pod valid, existing ephemeral containers kept unchanged.</summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(JsonObject pod, JsonObject old)
    {
        var errs = new List<FieldError>();
        ObjectMetaValidation.ValidateUpdate(errs, pod.Obj("metadata"), old.Obj("metadata"));
        PodSpecValidation.ValidateSpec(errs, pod.Obj("spec"), "spec");
        if (old.Obj("metadata").Obj("annotations")?.ContainsKey("kubernetes.io/config.mirror") == true)
            return [Errs.Forbidden("", "static pods do not support ephemeral containers")];

        var path = "spec.ephemeralContainers";
        var current = pod.Obj("spec").Items("ephemeralContainers").ToDictionary(x => x.Item.Str("name") ?? "", x => x.Item);
        foreach (var (_, before) in old.Obj("spec").Items("ephemeralContainers"))
        {
            var name = before.Str("name") ?? "";
            // Patches do not keep the order, so each is found by name. kube's messages end in a newline.
            if (!current.TryGetValue(name, out var now)) errs.Add(Errs.Forbidden(path, $"existing ephemeral containers \"{name}\" may not be removed\n"));
            else if (!JsonNode.DeepEquals(before, now)) errs.Add(Errs.Forbidden($"{path}[{name}]", $"existing ephemeral containers \"{name}\" may not be changed"));
        }
        var seen = new HashSet<string>();
        return errs.Where(e => seen.Add(e.Text)).ToList();
    }

    /// <summary>reflect.Value.IsZero as the allowlist check uses it: absent, null, empty object or list, false, 0 and "" are unset.</summary>
    static bool IsSet(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
        _ => true,
    };
}
