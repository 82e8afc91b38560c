using System.Text.Json.Nodes;

namespace Podway.Api.Printing;

/// <summary>k8s.io/apimachinery label formatting: labels.FormatLabels and metav1.LabelSelectorAsSelector(...).String().</summary>
internal static class LabelFormat
{
    /// <summary>labels.FormatLabels: "a=b,c=d" sorted by key, "&lt;none&gt;" when empty.</summary>
    public static string FormatLabels(JsonObject? map)
    {
        var s = SetString(map);
        return s.Length == 0 ? "<none>" : s;
    }

    static string SetString(JsonObject? map) => map is null ? "" :
        string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={JsonRead.Str(kv.Value)}"));

    /// <summary>metav1.FormatLabelSelector: the selector string, "&lt;none&gt;" when it selects everything or nothing.</summary>
    public static string FormatLabelSelector(JsonObject? selector)
    {
        var s = SelectorString(selector);
        return s is null ? "<error>" : s.Length == 0 ? "<none>" : s;
    }

    /// <summary>LabelSelectorAsSelector(sel).String(); null when an operator is invalid.</summary>
    public static string? SelectorString(JsonObject? selector)
    {
        if (selector is null) return "";
        var requirements = new List<(string Key, string Text)>();
        foreach (var (key, value) in JsonRead.Obj(selector, "matchLabels") ?? [])
        {
            requirements.Add((key, $"{key}={JsonRead.Str(value)}"));
        }
        foreach (var expr in JsonRead.Objects(selector, "matchExpressions"))
        {
            var key = JsonRead.Str(expr, "key");
            var values = JsonRead.Arr(expr, "values").Select(v => JsonRead.Str(v)).Order(StringComparer.Ordinal).ToList();
            string? text = JsonRead.Str(expr, "operator") switch
            {
                "In" => $"{key} in ({string.Join(",", values)})",
                "NotIn" => $"{key} notin ({string.Join(",", values)})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                _ => null,
            };
            if (text is null) return null;
            requirements.Add((key, text));
        }
        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }
}
