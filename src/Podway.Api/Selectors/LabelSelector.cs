using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.Api.Selectors;

/// <summary>
/// A label selector as k8s.io/apimachinery/pkg/labels.Selector: parsed from the string form kubectl sends
/// in ?labelSelector=, or built from a metav1.LabelSelector (matchLabels/matchExpressions) or a plain map
/// (a Service's spec.selector). ToString gives kube's canonical form, requirements sorted by key.
/// </summary>
public sealed class LabelSelector
{
    readonly IReadOnlyList<LabelRequirement> requirements;
    readonly bool matchesNothing;

    LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing)
    {
        this.requirements = requirements;
        this.matchesNothing = matchesNothing;
    }

    /// <summary>labels.Everything(): matches every object, prints as "".</summary>
    public static LabelSelector Everything { get; } = new([], false);

    /// <summary>labels.Nothing(): matches no object (a null metav1.LabelSelector), prints as "".</summary>
    public static LabelSelector Nothing { get; } = new([], true);

    /// <summary>True when the selector places no restriction (matches everything).</summary>
    public bool IsEmpty => !matchesNothing && requirements.Count == 0;

    /// <summary>True for labels.Nothing().</summary>
    public bool MatchesNothing => matchesNothing;

    /// <summary>
    /// labels.Parse of "k=v,k2 in (a,b),!k3". Null or blank text is Everything.
    /// Throws ApiException 400 BadRequest with kube's message on a syntax or validation error.
    /// </summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Everything;
        try { return new(LabelSelectorParser.Parse(text), false); }
        catch (FormatException e) { throw ApiException.BadRequest(e.Message); }
    }

    /// <summary>
    /// metav1.LabelSelectorAsSelector: null is Nothing, {} (no matchLabels, no matchExpressions) is Everything.
    /// Throws ApiException 400 BadRequest with kube's message when a key, value or operator is invalid.
    /// </summary>
    public static LabelSelector FromJson(JsonObject? selector)
    {
        if (selector is null) return Nothing;
        var matchLabels = selector["matchLabels"] as JsonObject;
        var matchExpressions = selector["matchExpressions"] as JsonArray;
        if ((matchLabels?.Count ?? 0) + (matchExpressions?.Count ?? 0) == 0) return Everything;

        var result = new List<LabelRequirement>();
        foreach (var (key, value) in matchLabels ?? [])
            result.Add(Validated(key, LabelOperator.Equals, [Text(value)]));
        foreach (var expression in (matchExpressions ?? []).OfType<JsonObject>())
        {
            var op = Text(expression["operator"]);
            LabelOperator parsed = op switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => throw ApiException.BadRequest($"{GoFormat.Quote(op)} is not a valid label selector operator"),
            };
            var values = (expression["values"] as JsonArray ?? []).Select(Text).ToList();
            result.Add(Validated(Text(expression["key"]), parsed, values));
        }
        return new(result.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(), false);
    }

    /// <summary>labels.SelectorFromSet: every pair must match; a null or empty map is Everything.</summary>
    public static LabelSelector FromSet(JsonObject? set) =>
        set is null || set.Count == 0
            ? Everything
            : new(set.Select(p => new LabelRequirement(p.Key, LabelOperator.Equals, [Text(p.Value)]))
                .OrderBy(r => r.Key, StringComparer.Ordinal).ToList(), false);

    /// <summary>metav1.FormatLabelSelector, as printers show it: "&lt;none&gt;" when empty, "&lt;error&gt;" when invalid.</summary>
    public static string Format(JsonObject? selector)
    {
        try
        {
            var text = FromJson(selector).ToString();
            return text.Length == 0 ? "<none>" : text;
        }
        catch (ApiException)
        {
            return "<error>";
        }
    }

    /// <summary>True when every requirement matches the object's metadata.labels (null means no labels).</summary>
    public bool Matches(JsonObject? labels)
    {
        if (matchesNothing) return false;
        if (requirements.Count == 0) return true;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels ?? []) map[key] = Text(value);
        return requirements.All(r => r.Matches(map));
    }

    public override string ToString() => string.Join(",", requirements);

    static LabelRequirement Validated(string key, LabelOperator op, List<string> values)
    {
        var errors = LabelRequirement.Validate(key, op, values, path: "");
        if (errors.Count > 0) throw ApiException.BadRequest(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors.Distinct()) + "]");
        return new LabelRequirement(key, op, values);
    }

    static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
