using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>metav1 LabelSelector: validation (ValidateLabelSelector) and matching (LabelSelectorAsSelector).</summary>
public static class LabelSelectorRules
{
    static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    internal static void Validate(List<FieldError> errs, JsonObject? selector, string path)
    {
        if (selector is null) return;
        LabelRules.ValidateLabels(errs, selector.StringMap("matchLabels"), path + ".matchLabels");
        foreach (var (i, expr) in selector.Items("matchExpressions"))
        {
            var p = $"{path}.matchExpressions[{i}]";
            var op = expr.Str("operator") ?? "";
            var values = expr.Strings("values");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values.Count == 0) errs.Add(Errs.Required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count > 0) errs.Add(Errs.Forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    break;
                default:
                    errs.Add(Errs.Invalid(p + ".operator", op, "not a valid selector operator"));
                    break;
            }
            LabelRules.ValidateLabelName(errs, expr.Str("key") ?? "", p + ".key");
            for (var v = 0; v < values.Count; v++)
                foreach (var m in LabelRules.LabelValueErrors(values[v]))
                    errs.Add(Errs.Invalid($"{p}.values[{v}]", values[v], m));
        }
    }

    /// <summary>True when the selector has no requirement at all (it then matches everything).</summary>
    public static bool IsEmpty(JsonObject? selector) =>
        selector.Count("matchLabels") + selector.Count("matchExpressions") == 0;

    /// <summary>Whether the labels satisfy the selector; null when the selector cannot be converted (bad operator).</summary>
    public static bool? Matches(JsonObject? selector, IReadOnlyList<KeyValuePair<string, string>>? labels)
    {
        if (selector is null) return false;
        var set = (labels ?? []).ToDictionary(p => p.Key, p => p.Value);
        foreach (var (k, v) in selector.StringMap("matchLabels") ?? [])
            if (!set.TryGetValue(k, out var have) || have != v) return false;
        foreach (var (_, expr) in selector.Items("matchExpressions"))
        {
            var key = expr.Str("key") ?? "";
            var values = expr.Strings("values");
            var has = set.TryGetValue(key, out var value);
            var ok = expr.Str("operator") switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => (bool?)null,
            };
            if (ok is null) return null;
            if (ok == false) return false;
        }
        return true;
    }

    /// <summary>The gogo-protobuf String() of a *metav1.LabelSelector, as field errors print it.</summary>
    internal static GoRaw Go(JsonObject? selector)
    {
        if (selector is null) return new("nil");
        var labels = string.Concat((selector.StringMap("matchLabels") ?? []).Select(p => $"{p.Key}: {p.Value},"));
        var exprs = string.Concat(selector.Items("matchExpressions").Select(e =>
            $"LabelSelectorRequirement{{Key:{e.Item.Str("key")},Operator:{e.Item.Str("operator")},Values:[{string.Join(" ", e.Item.Strings("values"))}],}},"));
        return new($"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}");
    }

    internal static bool ValidOperator(string? op) => op is not null && Operators.Contains(op);
}
