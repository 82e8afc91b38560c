using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>
/// policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, after the
/// network-policy-api v0.1.7 CRD schemas (standard channel, plus the experimental `namedPort`), worded as
/// apiextensions reports them. Label selectors get the built-in LabelSelector checks (the CRD only requires
/// key and operator), so a selector the enforcement could not evaluate is refused instead of failing silently.
/// </summary>
internal static class AdminNetworkPolicyValidation
{
    public static readonly IObjectValidator AdminNetworkPolicy = new KindValidator(false, NameRule.Dns1123Subdomain,
        (errs, anp) => Spec(errs, anp, baseline: false));

    public static readonly IObjectValidator BaselineAdminNetworkPolicy = new KindValidator(false, NameRule.Dns1123Subdomain, (errs, banp) =>
    {
        if (banp.Obj("metadata").Str("name") is { Length: > 0 } name && name != "default")
            errs.Add(Schema.Cel("<nil>", "object", "Only one baseline admin network policy with metadata.name=\"default\" can be created in the cluster"));
        Spec(errs, banp, baseline: true);
    });

    static void Spec(List<FieldError> errs, JsonObject policy, bool baseline)
    {
        var spec = policy.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        if (!baseline) Schema.Range(errs, spec.Int("priority"), "spec.priority", true, 0, 1000);
        var subject = spec.Obj("subject");
        if (subject is null) errs.Add(Errs.Required("spec.subject"));
        else if (ExactlyOne(errs, subject, "spec.subject", "namespaces", "pods"))
        {
            Selector(errs, subject.Obj("namespaces"), "spec.subject.namespaces");
            NamespacedPod(errs, subject.Obj("pods"), "spec.subject.pods");
        }
        string[] actions = baseline ? ["Allow", "Deny"] : ["Allow", "Deny", "Pass"];
        foreach (var (direction, peersField, peerKinds) in new[] { ("ingress", "from", new[] { "namespaces", "pods" }), ("egress", "to", new[] { "namespaces", "pods", "networks" }) })
        {
            var rules = spec.Items(direction).ToList();
            Schema.Items(errs, rules.Count, spec.Has(direction), "spec." + direction, false, 0, 100);
            foreach (var (i, rule) in rules)
            {
                var p = $"spec.{direction}[{i}]";
                Schema.String(errs, rule.Str("name"), p + ".name", false, 0, 100);
                if (rule.Str("action") is null) errs.Add(Errs.Required(p + ".action"));
                Schema.Enum(errs, rule.Str("action"), p + ".action", actions);
                var peers = rule.Items(peersField).ToList();
                Schema.Items(errs, peers.Count, rule.Has(peersField), $"{p}.{peersField}", true, 1, 100);
                foreach (var (j, peer) in peers) Peer(errs, peer, $"{p}.{peersField}[{j}]", peerKinds);
                var ports = rule.Items("ports").ToList();
                Schema.Items(errs, ports.Count, rule.Has("ports"), p + ".ports", false, 1, 100);
                foreach (var (j, port) in ports) Port(errs, port, $"{p}.ports[{j}]");
            }
        }
    }

    static void Peer(List<FieldError> errs, JsonObject peer, string p, string[] kinds)
    {
        if (!ExactlyOne(errs, peer, p, kinds)) return;
        Selector(errs, peer.Obj("namespaces"), p + ".namespaces");
        NamespacedPod(errs, peer.Obj("pods"), p + ".pods");
        if (!peer.Has("networks")) return;
        var networks = peer.Strings("networks");
        Schema.Items(errs, networks.Count, true, p + ".networks", false, 1, 25);
        for (var k = 0; k < networks.Count; k++)
        {
            var np = $"{p}.networks[{k}]";
            if (networks[k].Length > 43) errs.Add(Errs.TooLong(np, 43));
            else if (IpRules.ParseCidr(networks[k]) is null) errs.Add(Schema.Cel(np, "string", "Invalid CIDR format provided"));
        }
        for (var k = 0; k < networks.Count; k++)
            if (networks.IndexOf(networks[k]) < k) errs.Add(Errs.Duplicate($"{p}.networks[{k}]", networks[k]));
    }

    static void NamespacedPod(List<FieldError> errs, JsonObject? pods, string p)
    {
        if (pods is null) return;
        foreach (var selector in new[] { "namespaceSelector", "podSelector" })
        {
            if (pods.Obj(selector) is { } s) Selector(errs, s, $"{p}.{selector}");
            else errs.Add(Errs.Required($"{p}.{selector}"));
        }
    }

    /// <summary>A label selector: matchLabels values must be strings (the CRD schema's type check: an unquoted YAML
    /// `y`, `yes` or `on` arrives as a boolean), then the built-in selector rules.</summary>
    static void Selector(List<FieldError> errs, JsonObject? selector, string p)
    {
        if (selector is null) return;
        foreach (var (key, value) in selector.Obj("matchLabels") ?? [])
            if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                var type = value?.GetValueKind() switch
                {
                    System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
                    System.Text.Json.JsonValueKind.Number => "number",
                    System.Text.Json.JsonValueKind.Object => "object",
                    System.Text.Json.JsonValueKind.Array => "array",
                    _ => "null",
                };
                var path = $"{p}.matchLabels.{key}";
                errs.Add(Errs.Invalid(path, type, $"{path} in body must be of type string: \"{type}\""));
            }
        LabelSelectorRules.Validate(errs, selector, p);
    }

    static void Port(List<FieldError> errs, JsonObject port, string p)
    {
        if (!ExactlyOne(errs, port, p, "portNumber", "portRange", "namedPort")) return;
        if (port.Obj("portNumber") is { } number)
        {
            Protocol(errs, number, p + ".portNumber");
            Schema.Range(errs, number.Int("port"), p + ".portNumber.port", true, 1, 65535);
        }
        if (port.Obj("portRange") is { } range)
        {
            Protocol(errs, range, p + ".portRange");
            Schema.Range(errs, range.Int("start"), p + ".portRange.start", true, 1, 65535);
            Schema.Range(errs, range.Int("end"), p + ".portRange.end", true, 1, 65535);
            // The API's documented contract ("Start ... must be less than End"); the CRD leaves it to implementations.
            if (range.Int("start") is { } start && range.Int("end") is { } end && start >= end)
                errs.Add(Schema.Cel(p + ".portRange", "object", "start must be less than end"));
        }
        if (port.Has("namedPort"))
            Schema.String(errs, port.Str("namedPort"), p + ".namedPort", true, 1, 15);
    }

    static void Protocol(List<FieldError> errs, JsonObject port, string p)
    {
        if (port.Str("protocol") is not { } protocol) errs.Add(Errs.Required(p + ".protocol"));
        else Schema.Enum(errs, protocol, p + ".protocol", "TCP", "UDP", "SCTP");
    }

    /// <summary>minProperties/maxProperties 1: exactly one of the fields is set (a field this version does not
    /// know, such as the experimental `nodes`, counts as absent: the CRD would prune it).</summary>
    static bool ExactlyOne(List<FieldError> errs, JsonObject obj, string p, params string[] fields)
    {
        var set = fields.Count(obj.Has);
        if (set == 0) { errs.Add(Errs.Invalid(p, (long)set, $"{p} in body should have at least 1 properties")); return false; }
        if (set > 1) { errs.Add(Errs.TooMany(p, set, 1)); return false; }
        return true;
    }
}
