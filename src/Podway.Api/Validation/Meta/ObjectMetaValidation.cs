using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>apimachinery ValidateObjectMetaAccessor / ValidateObjectMetaUpdate over unstructured metadata.</summary>
internal static class ObjectMetaValidation
{
    public const string FieldImmutable = "field is immutable";
    const int TotalAnnotationSizeLimit = 256 * 1024;

    public static void ValidateCreate(List<FieldError> errs, JsonObject? meta, bool namespaced, NameRule rule, string path = "metadata")
    {
        var generateName = meta.Str("generateName") ?? "";
        if (generateName.Length != 0)
            foreach (var m in NameRuleChecks.Check(rule, generateName, prefix: true))
                errs.Add(Errs.Invalid(path + ".generateName", generateName, m));

        var name = meta.Str("name") ?? "";
        if (name.Length == 0)
            errs.Add(Errs.Required(path + ".name", "name or generateName is required"));
        else
            foreach (var m in NameRuleChecks.Check(rule, name, prefix: false))
                errs.Add(Errs.Invalid(path + ".name", name, m));

        ValidateNamespace(errs, meta, namespaced, path);
        Errs.NonNegative(errs, meta.Int("generation"), path + ".generation");
        ValidateCommon(errs, meta, path);
        foreach (var f in meta.Strings("finalizers"))
            foreach (var m in LabelRules.QualifiedNameErrors(f))
                errs.Add(Errs.Invalid(path + ".finalizers", f, m));
    }

    public static void ValidateUpdate(List<FieldError> errs, JsonObject? meta, JsonObject? old, string path = "metadata")
    {
        var generation = meta.Int("generation") ?? 0;
        if (generation < (old.Int("generation") ?? 0))
            errs.Add(Errs.Invalid(path + ".generation", generation, "must not be decremented"));
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp" })
        {
            var now = meta.Str(field) ?? "";
            if (now != (old.Str(field) ?? ""))
                errs.Add(Errs.Invalid($"{path}.{field}", field == "creationTimestamp" || field == "deletionTimestamp" ? TimeValue(now) : now, FieldImmutable));
        }
        var grace = meta.Int("deletionGracePeriodSeconds");
        if (grace != old.Int("deletionGracePeriodSeconds"))
            errs.Add(Errs.Invalid(path + ".deletionGracePeriodSeconds", grace is null ? null : grace.Value, FieldImmutable));
        if (old.Has("deletionTimestamp"))
        {
            var before = old.Strings("finalizers").ToHashSet();
            var added = meta.Strings("finalizers").Where(f => !before.Contains(f)).ToList();
            if (added.Count > 0)
                errs.Add(Errs.Forbidden(path + ".finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers {Errs.GoStringSlice(added).Text}"));
        }
        ValidateCommon(errs, meta, path);
    }

    /// <summary>metav1.Time prints through its String(): "2024-01-02 03:04:05 +0000 UTC".</summary>
    static GoRaw TimeValue(string rfc3339) =>
        DateTimeOffset.TryParse(rfc3339, out var t) ? new(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " +0000 UTC") : new(rfc3339.Length == 0 ? "null" : rfc3339);

    static void ValidateNamespace(List<FieldError> errs, JsonObject? meta, bool namespaced, string path)
    {
        var ns = meta.Str("namespace") ?? "";
        if (namespaced)
        {
            if (ns.Length == 0) errs.Add(Errs.Required(path + ".namespace"));
            else foreach (var m in NameRules.Dns1123LabelErrors(ns)) errs.Add(Errs.Invalid(path + ".namespace", ns, m));
        }
        else if (ns.Length != 0)
            errs.Add(Errs.Forbidden(path + ".namespace", "not allowed on this type"));
    }

    static void ValidateCommon(List<FieldError> errs, JsonObject? meta, string path)
    {
        LabelRules.ValidateLabels(errs, meta.StringMap("labels"), path + ".labels");
        ValidateAnnotations(errs, meta.StringMap("annotations"), path + ".annotations");
        ValidateOwnerReferences(errs, meta, path + ".ownerReferences");
    }

    public static void ValidateAnnotations(List<FieldError> errs, IReadOnlyList<KeyValuePair<string, string>>? annotations, string path)
    {
        if (annotations is null) return;
        long size = 0;
        foreach (var (k, v) in annotations)
        {
            // Annotation keys are qualified names in which case does not matter.
            foreach (var m in LabelRules.QualifiedNameErrors(k.ToLowerInvariant())) errs.Add(Errs.Invalid(path, k, m));
            size += System.Text.Encoding.UTF8.GetByteCount(k) + System.Text.Encoding.UTF8.GetByteCount(v);
        }
        if (size > TotalAnnotationSizeLimit) errs.Add(Errs.TooLong(path, TotalAnnotationSizeLimit));
    }

    static void ValidateOwnerReferences(List<FieldError> errs, JsonObject? meta, string path)
    {
        string? firstController = null;
        foreach (var (_, r) in meta.Items("ownerReferences"))
        {
            var apiVersion = r.Str("apiVersion") ?? "";
            var version = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
            if (version.Length == 0 || apiVersion.Count(c => c == '/') > 1)
                errs.Add(Errs.Invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
            if ((r.Str("kind") ?? "").Length == 0) errs.Add(Errs.Invalid(path + ".kind", r.Str("kind") ?? "", "kind must not be empty"));
            if ((r.Str("name") ?? "").Length == 0) errs.Add(Errs.Invalid(path + ".name", r.Str("name") ?? "", "name must not be empty"));
            if ((r.Str("uid") ?? "").Length == 0) errs.Add(Errs.Invalid(path + ".uid", r.Str("uid") ?? "", "uid must not be empty"));
            if (r.Bool("controller") == true)
            {
                var current = $"{r.Str("kind")}/{r.Str("name")}";
                if (firstController is null) firstController = current;
                else errs.Add(Errs.Invalid(path, new GoRaw("[]v1.OwnerReference{...}"), $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {current}"));
            }
        }
    }
}
