using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>apps/v1 Deployment, ReplicaSet and StatefulSet, after pkg/apis/apps/validation.</summary>
internal static class AppsValidation
{
    public static readonly IObjectValidator Deployment = new KindValidator(true, NameRule.Dns1123Subdomain,
        (errs, d) => ValidateDeploymentSpec(errs, d.Obj("spec")), SelectorImmutable);

    public static readonly IObjectValidator ReplicaSet = new KindValidator(true, NameRule.Dns1123Subdomain,
        (errs, rs) => ValidateReplicaSetSpec(errs, rs.Obj("spec")), SelectorImmutable);

    public static readonly IObjectValidator StatefulSet = new KindValidator(true, NameRule.Dns1123Label,
        (errs, s) => ValidateStatefulSetSpec(errs, s.Obj("spec")), StatefulSetUpdate);

    static void ValidateDeploymentSpec(List<FieldError> errs, JsonObject? spec)
    {
        Errs.NonNegative(errs, spec.Int("replicas"), "spec.replicas");
        SelectorAndTemplate(errs, spec, "deployment", "ReplicaSet");
        ValidateStrategy(errs, spec.Obj("strategy"));
        Errs.NonNegative(errs, spec.Int("minReadySeconds"), "spec.minReadySeconds");
        Errs.NonNegative(errs, spec.Int("revisionHistoryLimit"), "spec.revisionHistoryLimit");
        if (spec.Int("progressDeadlineSeconds") is { } pds)
        {
            Errs.NonNegative(errs, pds, "spec.progressDeadlineSeconds");
            if (pds <= (spec.Int("minReadySeconds") ?? 0))
                errs.Add(Errs.Invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
        }
    }

    static void ValidateReplicaSetSpec(List<FieldError> errs, JsonObject? spec)
    {
        Errs.NonNegative(errs, spec.Int("replicas"), "spec.replicas");
        Errs.NonNegative(errs, spec.Int("minReadySeconds"), "spec.minReadySeconds");
        SelectorAndTemplate(errs, spec, "deployment", "ReplicaSet");
    }

    /// <summary>Selector required and non-empty, template labels matched by it, template valid with restartPolicy Always.</summary>
    static void SelectorAndTemplate(List<FieldError> errs, JsonObject? spec, string emptyWord, string ownerWord)
    {
        var selector = spec.Obj("selector");
        if (selector is null) errs.Add(Errs.Required("spec.selector"));
        else
        {
            LabelSelectorRules.Validate(errs, selector, "spec.selector");
            if (LabelSelectorRules.IsEmpty(selector))
                errs.Add(Errs.Invalid("spec.selector", LabelSelectorRules.Go(selector), $"empty selector is invalid for {emptyWord}"));
        }

        var template = spec.Obj("template");
        var labels = template.Obj("metadata").StringMap("labels");
        var matches = LabelSelectorRules.Matches(selector, labels);
        if (matches is null)
        {
            errs.Add(Errs.Invalid("spec.selector", LabelSelectorRules.Go(selector), emptyWord == "statefulset" ? "" : "invalid label selector"));
            return;
        }
        if (template is null) { errs.Add(Errs.Required("spec.template")); return; }
        if (selector is not null && !LabelSelectorRules.IsEmpty(selector) && matches == false)
            errs.Add(Errs.Invalid("spec.template.metadata.labels", Errs.GoStringMap(labels), "`selector` does not match template `labels`"));
        PodSpecValidation.ValidateTemplate(errs, template, "spec.template");
        if (emptyWord == "statefulset") return;
        RestartAlways(errs, template, ownerWord);
    }

    static void RestartAlways(List<FieldError> errs, JsonObject template, string ownerWord)
    {
        var restart = template.Obj("spec").Str("restartPolicy") ?? "Always";
        if (restart != "Always") errs.Add(Errs.NotSupported("spec.template.spec.restartPolicy", restart, ["Always"]));
        if (template.Obj("spec").Has("activeDeadlineSeconds"))
            errs.Add(Errs.Forbidden("spec.template.spec.activeDeadlineSeconds", $"activeDeadlineSeconds in {ownerWord} is not Supported"));
    }

    static void ValidateStrategy(List<FieldError> errs, JsonObject? strategy)
    {
        var type = strategy.Str("type") ?? "RollingUpdate";
        switch (type)
        {
            case "Recreate":
                if (strategy.Has("rollingUpdate"))
                    errs.Add(Errs.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
                break;
            case "RollingUpdate":
                var ru = strategy.Obj("rollingUpdate");
                var maxUnavailable = IntOrString.Read(ru?["maxUnavailable"]) ?? new IntOrString(true, 0, "25%");
                var maxSurge = IntOrString.Read(ru?["maxSurge"]) ?? new IntOrString(true, 0, "25%");
                PositiveIntOrPercent(errs, maxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable");
                PositiveIntOrPercent(errs, maxSurge, "spec.strategy.rollingUpdate.maxSurge");
                if (IntOrPercentValue(maxUnavailable) == 0 && IntOrPercentValue(maxSurge) == 0)
                    errs.Add(Errs.Invalid("spec.strategy.rollingUpdate.maxUnavailable", maxUnavailable.Go, "may not be 0 when `maxSurge` is 0"));
                if (maxUnavailable.IsString && IntOrPercentValue(maxUnavailable) > 100)
                    errs.Add(Errs.Invalid("spec.strategy.rollingUpdate.maxUnavailable", maxUnavailable.Go, "must not be greater than 100%"));
                break;
            default:
                var ruText = strategy.Has("rollingUpdate") ? "(*apps.RollingUpdateDeployment)(0xc000000000)" : "(*apps.RollingUpdateDeployment)(nil)";
                errs.Add(Errs.NotSupported("spec.strategy", new GoRaw($"apps.DeploymentStrategy{{Type:{Errs.Quote(type)}, RollingUpdate:{ruText}}}"), ["Recreate", "RollingUpdate"]));
                break;
        }
    }

    static void PositiveIntOrPercent(List<FieldError> errs, IntOrString value, string path)
    {
        if (value.IsString)
            foreach (var m in NameRules.PercentErrors(value.StrVal)) errs.Add(Errs.Invalid(path, value.Go, m));
        else Errs.NonNegative(errs, value.IntVal, path);
    }

    static long IntOrPercentValue(IntOrString v) =>
        !v.IsString ? v.IntVal : long.TryParse(v.StrVal.TrimEnd('%'), out var p) ? p : 0;

    static void SelectorImmutable(List<FieldError> errs, JsonObject obj, JsonObject old)
    {
        var now = obj.Obj("spec").Obj("selector");
        if (Canon(now) != Canon(old.Obj("spec").Obj("selector")))
            errs.Add(Errs.Invalid("spec.selector", LabelSelectorRules.Go(now), ObjectMetaValidation.FieldImmutable));
    }

    static string Canon(JsonObject? selector) =>
        selector is null ? "" : string.Join(";", (selector.StringMap("matchLabels") ?? []).Select(p => p.Key + "=" + p.Value)) + "|" + selector.Arr("matchExpressions")?.ToJsonString();

    static void ValidateStatefulSetSpec(List<FieldError> errs, JsonObject? spec)
    {
        var pmp = spec.Str("podManagementPolicy") ?? "OrderedReady";
        if (pmp.Length == 0) errs.Add(Errs.Required("spec.podManagementPolicy"));
        else if (pmp is not ("OrderedReady" or "Parallel"))
            errs.Add(Errs.Invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"));

        var strategy = spec.Obj("updateStrategy");
        var type = strategy.Str("type") ?? "RollingUpdate";
        switch (type)
        {
            case "":
                errs.Add(Errs.Required("spec.updateStrategy"));
                break;
            case "OnDelete":
                if (strategy.Has("rollingUpdate"))
                    errs.Add(Errs.Invalid("spec.updateStrategy.rollingUpdate", new GoRaw("&apps.RollingUpdateStatefulSetStrategy{...}"), "only allowed for updateStrategy 'RollingUpdate'"));
                break;
            case "RollingUpdate":
                var ru = strategy.Obj("rollingUpdate");
                Errs.NonNegative(errs, ru.Int("partition"), "spec.updateStrategy.rollingUpdate.partition");
                if (IntOrString.Read(ru?["maxUnavailable"]) is { } mu)
                {
                    if (mu.IsString) foreach (var m in NameRules.PercentErrors(mu.StrVal)) errs.Add(Errs.Invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", mu.Go, m));
                    if (IntOrPercentValue(mu) <= 0)
                        errs.Add(Errs.Invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", mu.Go, "must be greater than 0"));
                    if (mu.IsString && IntOrPercentValue(mu) > 100)
                        errs.Add(Errs.Invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", mu.Go, "must not be greater than 100%"));
                }
                break;
            default:
                errs.Add(Errs.Invalid("spec.updateStrategy", new GoRaw($"apps.StatefulSetUpdateStrategy{{Type:{Errs.Quote(type)}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}}"), "must be 'RollingUpdate' or 'OnDelete'"));
                break;
        }

        if (spec.Obj("persistentVolumeClaimRetentionPolicy") is { } retention)
            foreach (var f in new[] { "whenDeleted", "whenScaled" })
                if (retention.Str(f) is { } v && v is not ("Retain" or "Delete"))
                    errs.Add(Errs.NotSupported($"spec.persistentVolumeClaimRetentionPolicy.{f}", v, ["Retain", "Delete"]));

        Errs.NonNegative(errs, spec.Int("replicas"), "spec.replicas");
        Errs.NonNegative(errs, spec.Int("minReadySeconds"), "spec.minReadySeconds");
        Errs.NonNegative(errs, spec.Obj("ordinals").Int("start"), "spec.ordinals.start");
        if (spec.Str("serviceName") is { Length: > 0 } serviceName)
            foreach (var m in NameRules.Dns1123LabelErrors(serviceName)) errs.Add(Errs.Invalid("spec.serviceName", serviceName, m));
        SelectorAndTemplate(errs, spec, "statefulset", "StatefulSet");
        if (spec.Obj("template") is { } template) RestartAlways(errs, template, "StatefulSet");
    }

    static readonly string[] StatefulSetMutable = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    static void StatefulSetUpdate(List<FieldError> errs, JsonObject obj, JsonObject old)
    {
        string Frozen(JsonObject? spec)
        {
            var copy = (JsonObject?)spec?.DeepClone() ?? new JsonObject();
            foreach (var f in StatefulSetMutable) copy.Remove(f);
            return string.Join(",", copy.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value?.ToJsonString()));
        }
        if (Frozen(obj.Obj("spec")) != Frozen(old.Obj("spec")))
            errs.Add(Errs.Forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
}
